//! Code generation: one [`ClassBuilder`] per class, one method per emitted
//! item, fed a [`Storage`] that says what the class's kind of storage
//! (regular or slotted) contributes, as PyO3's `PyClassImplsBuilder`.
//!
//! Only what differs between classes is emitted: the struct, its
//! constructor and accessors, a `match` from slot names to fields
//! (`ClassImpl`), the layout constant, and const assertions for rules that
//! depend on the bases. `Object` and the attribute algorithm are the
//! runtime's (`pyslots_runtime::class`), written and tested once; generated
//! code reaches it by absolute paths through `::pyslots::__private`.
//!
//! A subclass embeds one base, first (CPython's prefix layout): its
//! stored base, CPython's `__base__` (`Layout::best_base`). With one base
//! that is the base; with several, a constant over the bases' layouts
//! picks it (`StoredIf`), and every other base adds no slots to it, so a
//! diamond's shared base is stored once. Slot lookups try the class's own
//! slots, then the stored base's; the instance dict is the class's own
//! (when the stored base has none and another base has one, as CPython
//! adds one), or the stored base's.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Class, Field};
use crate::attr::Literal as AttrLiteral;
use crate::plan::{Plan, SlotKind, SlotPlan, Storage as PlannedStorage};

/// Method names the class already has from pyslots (its constructor,
/// `Default`, `Object`, the std traits it implements): an accessor of the
/// same name would shadow them, so it is left out.
const RESERVED: &[&str] = &[
    "new",
    "with_base",
    "default",
    "type_name",
    "getattr",
    "setattr",
    "delattr",
    "hasattr",
    "dir",
    "dict",
    "dict_mut",
    "layout",
    "heap_size",
    "traverse",
    "slot_get",
    "slot_set",
    "slot_del",
    "shared_keys",
    "dict_key",
    "fmt",
    "clone",
    "eq",
    "ne",
    "hash",
    "to_string",
    "into",
    "from",
    "drop",
    "deref",
    "deref_mut",
    "as_ref",
    "as_mut",
];

pub fn expand(class: &Class, plan: &Plan) -> TokenStream {
    ClassBuilder::new(class, plan).build()
}

/// What a kind of storage contributes to the class's items.
#[derive(Default)]
struct Storage {
    /// Struct fields after the bases.
    fields: Vec<TokenStream>,
    /// `field: value` in `new`, after the bases.
    init_new: Vec<TokenStream>,
    /// `field: value` in `default`, after the bases.
    init_default: Vec<TokenStream>,
    /// Statements in `new` after the instance is built (`__pyslots_this`).
    after_new: TokenStream,
    /// The doc comment of each own slot.
    slot_docs: Vec<Option<String>>,
    /// The class's own slots: names and the `index => ...` arms of
    /// `slot_read_at` and `slot_write_at`.
    slot_names: Vec<String>,
    read_arms: Vec<TokenStream>,
    write_arms: Vec<TokenStream>,
    /// Whether the class has a `__pyslots_dict` field (a `DictSlot`).
    own_dict: bool,
    /// Further `ClassImpl` items (a regular class's key table).
    class_impl_extra: TokenStream,
    /// Typed accessors.
    accessors: TokenStream,
    /// `Layout` fields.
    declared_slots: TokenStream,
    has_dict: TokenStream,
    has_weakref: TokenStream,
    /// Names the class adds that no base may have as a slot, with the
    /// tokens to blame.
    own_names: Vec<(String, TokenStream)>,
    /// The `__dict__` / `__weakref__` entries, for the assertions that no
    /// base has one already.
    dict_entry: Option<TokenStream>,
    weakref_entry: Option<TokenStream>,
    /// The doc of `new`.
    new_doc: String,
}

/// Everything the items of one class are built from.
struct ClassBuilder<'a> {
    class: &'a Class,
    /// `__name__`.
    name: &'a str,
    /// The class attributes, mangled names and values.
    class_attrs: &'a [(String, AttrLiteral)],
    pv: TokenStream,
    /// `&[&<A as PyClass>::LAYOUT, ...]`: the bases' layouts, as a constant.
    bases_const: TokenStream,
    /// The stored base: its type (the base itself, or a `StoredIf` chain's
    /// pick), the `StoredIf` chain that selects it, and `new`'s parameter
    /// for it; `None` without bases.
    stored: Option<StoredBase>,
    storage: Storage,
}

impl<'a> ClassBuilder<'a> {
    fn new(class: &'a Class, plan: &'a Plan) -> Self {
        let alias = private_alias(class);
        let pv = quote!(#alias);
        let bases = &class.args.extends;
        let mut builder = ClassBuilder {
            class,
            name: &plan.name,
            class_attrs: &plan.class_attrs,
            bases_const: bases_list(&pv, bases),
            pv,
            stored: stored_base(class),
            storage: Storage::default(),
        };
        builder.storage = match &plan.storage {
            PlannedStorage::Regular { keys } => builder.regular_storage(keys),
            PlannedStorage::Slotted(slots) => builder.slotted_storage(slots),
        };
        builder
    }

    fn build(&self) -> TokenStream {
        // The facade's `__private` under a name of this class's own: each
        // path into it is then 4 tokens, not 9 (tokens are most of what the
        // macro's run and rustc's parsing cost).
        let alias = private_alias(self.class);
        let items = [
            quote!(#[allow(unused_imports)] use ::pyslots::__private as #alias;),
            self.struct_item(),
            self.inherent_impl(),
            self.default_impl(),
            self.class_impl(),
            self.debug_impl(),
            self.serde_impls(),
            self.base_access(),
            self.base_assertions(),
            self.frozen_impl(),
        ];
        items.into_iter().collect()
    }

    fn has_bases(&self) -> bool {
        self.stored.is_some()
    }

    // -----------------------------------------------------------------------
    // The two kinds of storage.

    /// A regular class: every field is a dict entry. Without bases the dict
    /// is the class's own, over its shared key table; with bases it is the
    /// first base's, or the class's own when no base has one, and the fields
    /// are inserted after what the bases set.
    fn regular_storage(&self, keys: &[String]) -> Storage {
        let (pv, class) = (&self.pv, self.class);
        let values: Vec<TokenStream> = class
            .fields
            .iter()
            .map(|f| {
                let (name, ty) = (&f.ident, &f.ty);
                quote_spanned!(ty.span()=> <::pyslots::__private::Value as ::core::convert::From<#ty>>::from(#name))
            })
            .collect();
        let mut s = Storage { own_dict: true, ..Storage::default() };
        if self.has_bases() {
            let bases = &self.bases_const;
            s.fields.push(
                quote!(__pyslots_dict: <#pv::DictIf<{ !#pv::best_base_has_dict(#bases) }> as #pv::DictSel>::Storage),
            );
            s.init_new.push(quote!(__pyslots_dict: #pv::Default::default()));
            s.init_default.push(quote!(__pyslots_dict: #pv::Default::default()));
            if !keys.is_empty() {
                s.after_new = quote! {
                    if let #pv::Some(mut __pyslots_d) = #pv::ClassImpl::dict_mut(&mut __pyslots_this) {
                        #( #pv::DictViewMut::set(&mut __pyslots_d, #keys, #values); )*
                    }
                };
            }
        } else {
            let n = keys.len();
            s.fields.push(quote!(__pyslots_dict: #pv::InlineValues<#n>));
            s.init_new.push(quote!(__pyslots_dict: #pv::InlineValues::new([#(#values),*])));
            s.init_default.push(quote!(__pyslots_dict: #pv::Default::default()));
            // The class's own key table: one static, and a `match` from
            // names to positions in it.
            let indices = 0..keys.len();
            s.class_impl_extra = quote! {
                #[inline(always)]
                fn shared_keys() -> &'static #pv::SharedKeys {
                    static KEYS: #pv::SharedKeys = #pv::SharedKeys::new(&[#(#keys),*]);
                    &KEYS
                }
                #[inline(always)]
                fn dict_key(__pyslots_name: &#pv::str) -> #pv::Option<(&'static #pv::SharedKeys, #pv::usize)> {
                    match __pyslots_name {
                        #(#keys => #pv::Some((<Self as #pv::ClassImpl>::shared_keys(), #indices)),)*
                        _ => #pv::None,
                    }
                }
            };
        }
        s.declared_slots = quote!(#pv::None);
        s.has_dict = quote!(true);
        s.has_weakref = quote!(true);
        s.own_names = class
            .fields
            .iter()
            .zip(keys)
            .map(|(f, k)| {
                let id = &f.ident;
                (k.clone(), quote!(#id))
            })
            .collect();
        s.accessors = self.regular_accessors(keys);
        s.new_doc = if keys.is_empty() {
            "A new instance, its dict holding what the bases set.".to_owned()
        } else {
            format!(
                "A new instance whose dict holds the fields in declaration order, as `__init__` would set them: `{}`.",
                keys.join("`, `")
            )
        };
        s
    }

    /// A slotted class: typed slots in their fields with one set-flag bit
    /// each, untyped slots as `Option<Value>`, and a dict if `__dict__` is
    /// declared.
    fn slotted_storage(&self, sp: &SlotPlan) -> Storage {
        let (pv, class) = (&self.pv, self.class);
        let mut s = Storage::default();
        for (index, slot) in sp.slots.iter().enumerate() {
            let name = &slot.name;
            let key = index_literal(index);
            s.slot_names.push(name.clone());
            s.slot_docs.push(slot.doc.clone());
            match slot.kind {
                SlotKind::Typed { field, bit } => {
                    let f = &class.fields[field];
                    let (fid, ty) = (&f.ident, &f.ty);
                    let lints = f.attrs.iter().filter(|a| !a.path().is_ident("doc"));
                    let stored = quote_spanned!(ty.span()=> <#ty as ::pyslots::__private::SlotValue>::Stored);
                    s.fields.push(quote!(#(#lints)* #fid: #stored));
                    s.init_new.push(quote!(#fid: <#ty as #pv::SlotValue>::store(#fid)));
                    s.init_default.push(quote!(#fid: <#ty as #pv::SlotValue>::vacant()));
                    s.read_arms.push(
                        quote!(#key => __PyslotsR::typed::<#ty, _>(__pyslots_r, &self.#fid, &self.__pyslots_set, #bit)),
                    );
                    s.write_arms.push(quote!(
                        #key => __PyslotsW::typed::<#ty, _>(__pyslots_op, &mut self.#fid, &mut self.__pyslots_set, #bit, #name)
                    ));
                }
                SlotKind::Untyped { index } => {
                    let fid = format_ident!("__pyslots_u{}", index);
                    s.fields.push(quote!(#fid: #pv::Option<#pv::Value>));
                    s.init_new.push(quote!(#fid: #pv::None));
                    s.init_default.push(quote!(#fid: #pv::None));
                    s.read_arms.push(quote!(#key => __PyslotsR::untyped(__pyslots_r, &self.#fid)));
                    s.write_arms.push(quote!(#key => __PyslotsW::untyped(__pyslots_op, &mut self.#fid)));
                }
            }
            s.own_names.push((name.clone(), slot.tokens.clone()));
        }
        let n_typed = sp.typed_count();
        if n_typed > 0 {
            let flags_ty = flags_type(pv, n_typed);
            let n = n_typed as u32;
            s.fields.push(quote!(__pyslots_set: #flags_ty));
            s.init_new.push(quote!(__pyslots_set: <#flags_ty as #pv::SetFlags>::all(#n)));
            s.init_default.push(quote!(__pyslots_set: <#flags_ty as #pv::Default>::default()));
        }
        let declared = &sp.declared;
        let bases = &self.bases_const;
        // A dict of its own when it declares `__dict__`, or, with several
        // bases, when a base that is not stored has one and the stored base
        // has none (CPython: secondary bases may provide a dict).
        let dict_ty = if sp.dict.is_some() {
            Some(quote!(#pv::LazyDict))
        } else if self.class.args.extends.len() > 1 {
            Some(quote!(<#pv::DictIf<{ #pv::secondary_dict(#bases) }> as #pv::DictSel>::Storage))
        } else {
            None
        };
        s.own_dict = dict_ty.is_some();
        if let Some(dict_ty) = dict_ty {
            s.fields.push(quote!(__pyslots_dict: #dict_ty));
            s.init_new.push(quote!(__pyslots_dict: #pv::Default::default()));
            s.init_default.push(quote!(__pyslots_dict: #pv::Default::default()));
        }
        s.accessors = self.accessors(sp);
        // `Some(&[])` where `__slots__` is the slots (no `__dict__`,
        // `__weakref__` or mangled name): `Layout::declared_slots` reads
        // `slots` then; one borrowed array fewer in the layout constant.
        s.declared_slots =
            if *declared == s.slot_names { quote!(#pv::Some(&[])) } else { quote!(#pv::Some(&[#(#declared),*])) };
        // Without bases, a literal: `WeakRefs<{ .. }>` is a constant rustc
        // evaluates per class.
        let no_bases = self.class.args.extends.is_empty();
        s.has_dict = match (sp.dict.is_some(), no_bases) {
            (true, _) => quote!(true),
            (false, true) => quote!(false),
            (false, false) => quote!(#pv::any_has_dict(#bases)),
        };
        s.has_weakref = match (sp.weakref.is_some(), no_bases) {
            (true, _) => quote!(true),
            (false, true) => quote!(false),
            (false, false) => quote!(#pv::any_has_weakref(#bases)),
        };
        s.dict_entry = sp.dict.clone();
        s.weakref_entry = sp.weakref.clone();
        s.new_doc = if class.fields.is_empty() && !self.has_bases() {
            "A new instance; every slot starts unset.".to_owned()
        } else if sp.slots.len() > class.fields.len() {
            "A new instance with every typed slot set; untyped slots start unset.".to_owned()
        } else {
            "A new instance with every slot set.".to_owned()
        };
        s
    }

    // -----------------------------------------------------------------------
    // The items.

    fn struct_item(&self) -> TokenStream {
        let Class { attrs, vis, ident, .. } = self.class;
        let base = self.stored.as_ref().map(|b| {
            let ty = &b.ty;
            quote!(__pyslots_base: #ty,)
        });
        let fields = &self.storage.fields;
        if base.is_none() && fields.is_empty() {
            return quote!(#(#attrs)* #vis struct #ident;);
        }
        quote! {
            #(#attrs)*
            #vis struct #ident {
                #base
                #(#fields,)*
            }
        }
    }

    /// `new`, `with_base` (for a class with bases), the typed accessors,
    /// and the slot index.
    fn inherent_impl(&self) -> TokenStream {
        let Class { vis, ident, fields, .. } = self.class;
        let (pv, s) = (&self.pv, &self.storage);
        let (init, after, doc) = (&s.init_new, &s.after_new, &s.new_doc);
        let params: Vec<TokenStream> = fields
            .iter()
            .map(|f| {
                let (name, ty) = (&f.ident, &f.ty);
                quote!(#name: #ty)
            })
            .collect();
        let body = |base_init: Option<TokenStream>| {
            let construct = quote!(Self { #base_init #(#init,)* });
            if after.is_empty() {
                construct
            } else {
                quote! {
                    let mut __pyslots_this = #construct;
                    #after
                    __pyslots_this
                }
            }
        };
        let accessors = &s.accessors;
        let (new, with_base) = match &self.stored {
            Some(StoredBase { ty, param, .. }) => {
                let new_body = body(Some(quote!(__pyslots_base: #pv::Default::default(),)));
                let with_body = body(Some(quote!(__pyslots_base: #param,)));
                let new_doc = format!(
                    "{doc} This class's own fields only: the bases start as `Default` makes them (every \
                     slot unset, as `object.__new__` leaves what `__init__` does not set); `with_base` \
                     takes the stored base's instance."
                );
                let with_doc = format!(
                    "{doc} The stored base's instance first (`{param}`; with several bases, the one CPython \
                     lays the instance out over, `Layout::best_base`), then this class's own fields; `new` \
                     starts the base as `Default` makes it."
                );
                (
                    quote! {
                        #[doc = #new_doc]
                        #[inline]
                        #[allow(clippy::too_many_arguments)]
                        #vis fn new(#(#params),*) -> Self {
                            #new_body
                        }
                    },
                    quote! {
                        #[doc = #with_doc]
                        #[inline]
                        #[allow(clippy::too_many_arguments)]
                        #vis fn with_base(#param: #ty, #(#params),*) -> Self {
                            #with_body
                        }
                    },
                )
            }
            None => {
                let new_body = body(None);
                (
                    quote! {
                        #[doc = #doc]
                        #[inline]
                        #[allow(clippy::too_many_arguments)]
                        #vis fn new(#(#params),*) -> Self {
                            #new_body
                        }
                    },
                    TokenStream::new(),
                )
            }
        };
        quote! {
            impl #ident {
                #new
                #with_base
                #accessors
            }
        }
    }

    fn default_impl(&self) -> TokenStream {
        let pv = &self.pv;
        let ident = &self.class.ident;
        let base = self.has_bases().then(|| quote!(__pyslots_base: #pv::Default::default(),));
        let init = &self.storage.init_default;
        quote! {
            impl #pv::Default for #ident {
                /// An instance with every slot unset and an empty dict, as
                /// `object.__new__` makes it before `__init__` assigns anything.
                #[inline]
                fn default() -> Self {
                    Self { #base #(#init,)* }
                }
            }
        }
    }

    /// `ClassImpl`: the name-to-storage glue. What a class has none of
    /// (slots, a dict, heap bytes) is left to the trait's defaults.
    fn class_impl(&self) -> TokenStream {
        let pv = &self.pv;
        let ident = &self.class.ident;
        let py_class = self.py_class_items();
        let s = &self.storage;
        // A class attribute must be there to hide a later base's slot.
        let has_slot_methods = !s.slot_names.is_empty() || self.has_bases() || !self.class_attrs.is_empty();
        let slot_methods = has_slot_methods.then(|| self.slot_methods());
        let dict_methods = self.dict_methods();
        let extra = &s.class_impl_extra;
        // A frozen class refuses every write by name where the attribute
        // algorithm starts, with the slots: a class that is not frozen
        // keeps the default, and its code does not change at all.
        let frozen = self.class.args.frozen.map(|span| {
            quote_spanned! {span=>
                #[inline(always)]
                fn slot_set(
                    &mut self,
                    __pyslots_name: &str,
                    _: #pv::Value,
                    _: &'static str,
                ) -> #pv::Result<#pv::SlotSet, #pv::Error> {
                    #pv::Err(#pv::frozen_setattr(__pyslots_name))
                }
            }
        });
        // Where a base's method finds its receiver in this instance.
        // (one constant: `stored_base`, `stored_base_mut` and, without a
        // dict of its own, `dict` and `dict_mut` go through the `Deref`).
        let stored_base = self.stored.as_ref().map(|_| {
            quote! {
                const STORED: #pv::Option<#pv::StoredAccess<Self>> = #pv::Some(#pv::StoredAccess::VIA_DEREF);
            }
        });
        quote! {
            impl #pv::ClassImpl for #ident {
                // The `#[methods]` block's table, names, name `match` and
                // glue (an inherent constant, which shadows the trait's
                // empty one): one lookup through `NoMethods` per class.
                const BLOCK: #pv::MethodBlock<Self> = {
                    use #pv::NoMethods as _;
                    #ident::__PYSLOTS_BLOCK
                };
                #slot_methods
                #dict_methods
                #stored_base
                #extra
                #frozen
                #py_class
            }
        }
    }

    /// The slots by index: the class's own first, then the stored base's
    /// (`ClassImpl::SLOT_COUNT` of them, from the layout), and
    /// `slot_index` from names to that index. A name that is a class
    /// attribute of this class hides the slots of that name of the classes
    /// after it along the MRO (Python's type lookup finds it first).
    fn slot_methods(&self) -> TokenStream {
        let pv = &self.pv;
        let s = &self.storage;
        let own = s.slot_names.len() as u32;
        let stored = self.stored.as_ref().map(|b| &b.ty);
        // Without bases or class attributes, the own names' `match` is the
        // whole answer; otherwise a miss goes on to what follows.
        let more = self.has_bases() || !self.class_attrs.is_empty();
        let own_index = (own > 0).then(|| {
            let index = name_index(pv, &s.slot_names);
            if more {
                quote! {
                    let __pyslots_i = { #index };
                    if __pyslots_i != #pv::u32::MAX {
                        return __pyslots_i;
                    }
                }
            } else {
                index
            }
        });
        // A class attribute hides a slot of the same name that a class
        // after it along the MRO declares. The class's own slots it cannot
        // meet (`slots_exclude_class_attrs`).
        let hidden = self.class_attr_names();
        let hide_attrs = (!hidden.is_empty()).then(|| {
            quote! {
                if ::core::matches!(__pyslots_name, #(#hidden)|*) {
                    return #pv::HIDDEN;
                }
            }
        });
        // So does a property or method of the class's `#[methods]` block
        // (its name `match`; a constant `Nothing` without a block, and the
        // test compiles away).
        let hide_methods = self.has_bases().then(|| {
            quote! {
                if !::core::matches!(<Self as #pv::ClassImpl>::own_named(__pyslots_name), #pv::Named::Nothing) {
                    return #pv::HIDDEN;
                }
            }
        });
        let hide = (hide_attrs.is_some() || hide_methods.is_some()).then(|| quote!(#hide_attrs #hide_methods));
        // The stored base's indices start after the own slots; with nothing
        // of its own, the base's answer is the class's.
        let tail = match stored {
            Some(ty) if own == 0 && hide.is_none() => quote!(<#ty as #pv::ClassImpl>::slot_index(__pyslots_name)),
            Some(ty) => quote! {
                let __pyslots_i = <#ty as #pv::ClassImpl>::slot_index(__pyslots_name);
                if __pyslots_i == #pv::u32::MAX || __pyslots_i == #pv::HIDDEN {
                    __pyslots_i
                } else {
                    #own + __pyslots_i
                }
            },
            None => quote!(#pv::u32::MAX),
        };
        let tail = (own == 0 || more).then_some(tail);
        // `slot_*_at`: a `match` on the own slots, then the stored base.
        let at = |arms: &[TokenStream], call: TokenStream, not_slot: TokenStream| match (own, stored) {
            (0, Some(_)) => call,
            (_, None) => quote!(match __pyslots_i { #(#arms,)* _ => #not_slot }),
            (_, Some(_)) => quote! {
                match __pyslots_i {
                    #(#arms,)*
                    _ => {
                        let __pyslots_i = __pyslots_i - #own;
                        #call
                    }
                }
            },
        };
        let read = at(
            &s.read_arms,
            quote!(#pv::ClassImpl::slot_read_at(&self.__pyslots_base, __pyslots_i, __pyslots_r)),
            quote!(__PyslotsR::not_slot(__pyslots_r)),
        );
        let write = at(
            &s.write_arms,
            quote!(#pv::ClassImpl::slot_write_at(&mut self.__pyslots_base, __pyslots_i, __pyslots_op)),
            quote!(__PyslotsW::not_slot(__pyslots_op)),
        );
        // With several bases, a class attribute of a base that is not
        // stored may come before a stored slot along the MRO; then the
        // layout walks the MRO. The test is a constant: one of the two
        // paths compiles away. With one base the MRO is the class, then
        // the base's MRO, which the base's own `slot_index` follows.
        let (lookup_const, by_mro) = if self.class.args.extends.len() > 1 {
            (
                Some(quote! {
                    const LOOKUP_BY_STORED_BASE: #pv::bool =
                        #pv::lookup_by_stored_base(&<Self as #pv::PyClass>::LAYOUT);
                }),
                Some(quote! {
                    if !<Self as #pv::ClassImpl>::LOOKUP_BY_STORED_BASE {
                        return match #pv::Layout::slot_index(&<Self as #pv::PyClass>::LAYOUT, __pyslots_name) {
                            #pv::Some((__pyslots_i, _, _)) => __pyslots_i,
                            #pv::None => #pv::u32::MAX,
                        };
                    }
                }),
            )
        } else {
            (None, None)
        };
        quote! {
            #lookup_const
            #[inline(always)]
            fn slot_index(__pyslots_name: &#pv::str) -> #pv::u32 {
                #by_mro
                #own_index
                #hide
                #tail
            }
            #[inline(always)]
            fn slot_read_at<__PyslotsR: #pv::SlotRead>(
                &self,
                __pyslots_i: #pv::u32,
                __pyslots_r: __PyslotsR,
            ) -> __PyslotsR::Out<'_> {
                #read
            }
            #[inline(always)]
            fn slot_write_at<__PyslotsW: #pv::SlotWrite>(
                &mut self,
                __pyslots_i: #pv::u32,
                __pyslots_op: __PyslotsW,
            ) -> __PyslotsW::Out {
                #write
            }
        }
    }

    /// The class attributes' names (mangled).
    fn class_attr_names(&self) -> Vec<&str> {
        self.class_attrs.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// `dict` and `dict_mut`: the class's own dict storage, else the first
    /// base's dict; nothing (the trait's `None`) without either.
    fn dict_methods(&self) -> TokenStream {
        let pv = &self.pv;
        let mut get = Vec::new();
        let mut get_mut = Vec::new();
        if self.storage.own_dict {
            let keys = quote!(<Self as #pv::ClassImpl>::shared_keys());
            get.push(quote!(#pv::DictSlot::view(&self.__pyslots_dict, #keys)));
            get_mut.push(quote!(#pv::DictSlot::view_mut(&mut self.__pyslots_dict, #keys)));
        }
        if self.has_bases() {
            if get.is_empty() {
                // The stored base's, through `ClassImpl::STORED`.
                return TokenStream::new();
            }
            get.push(quote!(#pv::ClassImpl::dict(&self.__pyslots_base)));
            get_mut.push(quote!(#pv::ClassImpl::dict_mut(&mut self.__pyslots_base)));
        }
        let (get_body, get_mut_body) = match (get.as_slice(), get_mut.as_slice()) {
            ([], _) => return TokenStream::new(),
            ([one], [one_mut]) => (one.clone(), one_mut.clone()),
            // Test with a shared borrow first: returning a conditional
            // mutable borrow from a loop of candidates does not pass
            // today's borrow checker.
            _ => (
                quote! {
                    #( if let #pv::Some(__pyslots_d) = #get { return #pv::Some(__pyslots_d); } )*
                    #pv::None
                },
                quote! {
                    #( if #pv::Option::is_some(&#get) { return #get_mut; } )*
                    #pv::None
                },
            ),
        };
        quote! {
            #[inline]
            fn dict(&self) -> #pv::Option<#pv::DictView<'_>> {
                #get_body
            }
            #[inline]
            fn dict_mut(&mut self) -> #pv::Option<#pv::DictViewMut<'_>> {
                #get_mut_body
            }
        }
    }

    /// The layout and weak-reference type, in the class's `ClassImpl`:
    /// `PyClass` is a blanket implementation over `ClassImpl` that reads
    /// them (one trait implementation per class fewer for rustc to check).
    fn py_class_items(&self) -> TokenStream {
        let frozen = self.class.args.frozen.is_some();
        let pv = &self.pv;
        let name = self.name;
        let bases = &self.bases_const;
        let s = &self.storage;
        let (slots, declared, has_dict, has_weakref) = (&s.slot_names, &s.declared_slots, &s.has_dict, &s.has_weakref);
        // No docs, and few enough slots: `&[]`, which `Layout::slot_docs`
        // reads as a `None` for each slot.
        let no_docs = s.slot_docs.iter().all(Option::is_none) && s.slot_docs.len() <= NO_DOCS_MAX;
        let docs = s.slot_docs.iter().filter(|_| !no_docs).map(|d| match d {
            Some(doc) => quote!(#pv::Some(#doc)),
            None => quote!(#pv::None),
        });
        let class_attrs = self.class_attrs.iter().map(|(attr, value)| {
            let value = match value {
                AttrLiteral::None => quote!(#pv::Literal::None),
                AttrLiteral::Bool(b) => quote!(#pv::Literal::Bool(#b)),
                AttrLiteral::Int(i) => {
                    let i = Literal::i64_suffixed(*i);
                    quote!(#pv::Literal::Int(#i))
                }
                // `1e999` is Python's `inf`; a token cannot spell it.
                AttrLiteral::Float(x) if x.is_infinite() => {
                    let inf = if *x > 0.0 { quote!(INFINITY) } else { quote!(NEG_INFINITY) };
                    quote!(#pv::Literal::Float(#pv::f64::#inf))
                }
                AttrLiteral::Float(x) => {
                    let x = Literal::f64_suffixed(*x);
                    quote!(#pv::Literal::Float(#x))
                }
                AttrLiteral::Str(text) => quote!(#pv::Literal::Str(#text)),
            };
            quote!((#attr, #value))
        });
        // A literal as it is; with one base and nothing of its own, the
        // base's type (a `WeakRefs<{ .. }>` is a constant rustc evaluates,
        // the base's layout with it); else an expression in braces.
        let literal = matches!(has_weakref.to_string().as_str(), "true" | "false");
        let extends = &self.class.args.extends;
        let weak_refs = if literal {
            quote!(#pv::WeakRefs<#has_weakref>)
        } else if let [base] = extends.as_slice() {
            quote!(<#base as #pv::PyClass>::WeakRefs)
        } else {
            quote!(#pv::WeakRefs<{ #has_weakref }>)
        };
        // What is not the default (`LAYOUT_UNSET`), as fields: each `&[]`
        // or other literal left out is rustc's work saved per class; the
        // size and the `#[methods]` block's fields `class_layout` fills in.
        let mut fields = Vec::new();
        if !slots.is_empty() {
            fields.push(quote!(slots: &[#(#slots),*],));
        }
        if !no_docs {
            fields.push(quote!(slot_docs: &[#(#docs),*],));
        }
        if !self.class_attrs.is_empty() {
            fields.push(quote!(class_attrs: &[#(#class_attrs),*],));
        }
        if declared.to_string() != quote!(#pv::None).to_string() {
            fields.push(quote!(declared_slots: #declared,));
        }
        if !extends.is_empty() {
            fields.push(quote!(bases: #bases,));
        }
        if has_dict.to_string() != "false" {
            fields.push(quote!(has_dict: #has_dict,));
        }
        if has_weakref.to_string() != "false" {
            fields.push(quote!(has_weakref: #has_weakref,));
        }
        if frozen {
            fields.push(quote!(frozen: true,));
        }
        quote! {
                const CLASS_LAYOUT: #pv::Layout = #pv::class_layout::<Self>(#pv::Layout {
                    name: #name,
                    module_path: #pv::module_path!(),
                    #(#fields)*
                    ..#pv::LAYOUT_UNSET
                });
                type ClassWeakRefs = #weak_refs;
        }
    }

    /// `impl Frozen` for a `#[pyclass_like(frozen)]` class (what
    /// `Py::get` asks for), spanned on the argument.
    fn frozen_impl(&self) -> TokenStream {
        let Some(span) = self.class.args.frozen else { return TokenStream::new() };
        let (pv, ident) = (&self.pv, &self.class.ident);
        quote_spanned! {span=> impl #pv::Frozen for #ident {} }
    }

    fn debug_impl(&self) -> TokenStream {
        let pv = &self.pv;
        let ident = &self.class.ident;
        quote! {
            impl #pv::fmt::Debug for #ident {
                #[inline]
                fn fmt(&self, __pyslots_f: &mut #pv::fmt::Formatter<'_>) -> #pv::fmt::Result {
                    #pv::fmt_debug(self, __pyslots_f)
                }
            }
        }
    }

    /// `Serialize` and `Deserialize` when the *facade* has its `serde`
    /// feature: a `#[cfg(feature = "serde")]` here would test the user's
    /// crate, so the facade's `impl_serde!` decides (it expands to nothing
    /// without the feature). One line per class; the logic is generic
    /// runtime code.
    fn serde_impls(&self) -> TokenStream {
        let pv = &self.pv;
        let ident = &self.class.ident;
        quote! {
            #pv::impl_serde!(#ident);
        }
    }

    /// With bases: `Deref` to the stored base, and `Embeds`, `AsRef` and
    /// `AsMut` to every class the stored base holds
    /// (itself, its stored base, ...), so the bases' typed accessors are at
    /// hand: `dog.name()` on a `Dog(Animal)`. A base that is not stored (a
    /// diamond's second side) is not offered: `AsRef<Right>` on a
    /// `Bottom(Left, Right)` does not compile (`Embeds`' message says why),
    /// as a second copy of the shared base would be needed.
    fn base_access(&self) -> TokenStream {
        let pv = &self.pv;
        let ident = &self.class.ident;
        let Some(StoredBase { ty, selector, single, .. }) = &self.stored else {
            return TokenStream::new();
        };
        // With one base, what it holds is asked of the base itself; a
        // `StoredIf` chain in these bounds (which several bases need, as
        // only the compiler knows which one is stored) made rustc's trait
        // solving for a subclass about six times the cost of a class
        // without bases (200 classes: 10.8 s -> 4.3 s of `rustc`,
        // `-Z time-passes`, benches/compile_time.sh's crate).
        let (holds, get, get_mut) = if *single {
            (
                quote!(#ty: #pv::Embeds<__PyslotsB>,),
                quote!(<#ty as #pv::Embeds<__PyslotsB>>::embedded),
                quote!(<#ty as #pv::Embeds<__PyslotsB>>::embedded_mut),
            )
        } else {
            (
                quote!(#selector: #pv::StoredEmbeds<__PyslotsB>,),
                quote!(<#selector as #pv::StoredEmbeds<__PyslotsB>>::get),
                quote!(<#selector as #pv::StoredEmbeds<__PyslotsB>>::get_mut),
            )
        };
        quote! {
            impl ::core::ops::Deref for #ident {
                type Target = #ty;
                #[inline]
                fn deref(&self) -> &#ty {
                    &self.__pyslots_base
                }
            }
            impl ::core::ops::DerefMut for #ident {
                #[inline]
                fn deref_mut(&mut self) -> &mut #ty {
                    &mut self.__pyslots_base
                }
            }
            impl<__PyslotsB> #pv::Embeds<__PyslotsB> for #ident
            where
                #holds
            {
                #[inline(always)]
                fn embedded(&self) -> &__PyslotsB {
                    #get(&self.__pyslots_base)
                }
                #[inline(always)]
                fn embedded_mut(&mut self) -> &mut __PyslotsB {
                    #get_mut(&mut self.__pyslots_base)
                }
            }
            impl<__PyslotsB> ::core::convert::AsRef<__PyslotsB> for #ident
            where
                #holds
            {
                #[inline]
                fn as_ref(&self) -> &__PyslotsB {
                    #get(&self.__pyslots_base)
                }
            }
            impl<__PyslotsB> ::core::convert::AsMut<__PyslotsB> for #ident
            where
                #holds
            {
                #[inline]
                fn as_mut(&mut self) -> &mut __PyslotsB {
                    #get_mut(&mut self.__pyslots_base)
                }
            }
        }
    }

    /// Rules that need the bases' layouts, checked by the compiler, each
    /// spanned on the tokens to blame.
    fn base_assertions(&self) -> TokenStream {
        if !self.has_bases() {
            return TokenStream::new();
        }
        // `base_rule` is `#[track_caller]`: the call, alias included, is
        // spanned on the tokens to blame, which the error then points at.
        let alias = private_alias(self.class);
        let at = |span: Span| Ident::new(&alias.to_string(), span);
        let bases = &self.bases_const;
        let s = &self.storage;
        let mut out = TokenStream::new();
        if self.class.args.extends.len() > 1 {
            let span = self.class.args.extends_tokens.as_ref().map_or_else(Span::call_site, Spanned::span);
            let names: Vec<String> = self.class.args.extends.iter().map(last_segment).collect();
            let mro_message =
                format!("Cannot create a consistent method resolution order (MRO) for bases {}", names.join(", "));
            let pv = at(span);
            out.extend(quote_spanned! {span=>
                const _: () = #pv::base_rule(!#pv::mro_conflict(#bases), #mro_message);
                const _: () = #pv::base_rule(
                    !#pv::layout_conflict(#bases),
                    "multiple bases have instance lay-out conflict"
                );
            });
        }
        // dataclasses' rule: frozen classes extend frozen ones only, and
        // classes that are not frozen extend none.
        let span = self.class.args.extends_tokens.as_ref().map_or_else(Span::call_site, Spanned::span);
        let pv = at(span);
        out.extend(if self.class.args.frozen.is_some() {
            quote_spanned! {span=>
                const _: () = #pv::base_rule(
                    #pv::all_frozen(#bases),
                    "cannot inherit frozen dataclass from a non-frozen one"
                );
            }
        } else {
            quote_spanned! {span=>
                const _: () = #pv::base_rule(
                    !#pv::any_frozen(#bases),
                    "cannot inherit non-frozen dataclass from a frozen one"
                );
            }
        });
        if let Some(tokens) = &s.dict_entry {
            let pv = at(tokens.span());
            out.extend(quote_spanned! {tokens.span()=>
                const _: () = #pv::base_rule(
                    !#pv::any_has_dict(#bases),
                    "__dict__ slot disallowed: we already got one"
                );
            });
        }
        if let Some(tokens) = &s.weakref_entry {
            let pv = at(tokens.span());
            out.extend(quote_spanned! {tokens.span()=>
                const _: () = #pv::base_rule(
                    !#pv::any_has_weakref(#bases),
                    "__weakref__ slot disallowed: we already got one"
                );
            });
        }
        for (name, tokens) in &s.own_names {
            let pv = at(tokens.span());
            let message = format!(
                "'{name}' is already a slot of a base class: don't repeat parent slots (CPython would keep both, \
                 wasting the parent's); remove it from this class"
            );
            out.extend(quote_spanned! {tokens.span()=>
                const _: () = #pv::base_rule(!#pv::any_has_slot(#bases, #name), #message);
            });
        }
        out
    }

    /// `x(&self) -> Result<T, Error>` and `set_x(&mut self, T)` for each
    /// field of a regular class (its dict entry, converted as a typed slot
    /// of `T` converts a value), with the clash rules of [`Self::accessors`].
    /// Each carries its type's bound under a `for<'_>` binder, so a field
    /// whose type is no `SlotValue` still compiles (as before accessors
    /// existed) and only a call of its getter is the error; and a type
    /// without `Value: From<T>` is `new`'s one error, not three.
    fn regular_accessors(&self, keys: &[String]) -> TokenStream {
        let (pv, class, cls) = (&self.pv, self.class, self.name);
        let mut taken: HashSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
        let mut getters = Vec::new();
        for (f, key) in class.fields.iter().zip(keys) {
            if !taken.insert(f.name()) {
                continue;
            }
            let (fid, ty, vis) = (&f.ident, &f.ty, &f.vis);
            let docs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
            let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
            let doc = format!(
                "Attribute `{key}`, read as `getattr` reads it and converted to the field's type. A deleted \
                 entry is `AttributeError: '{cls}' object has no attribute '{key}'`; a value of another type \
                 (set by name) is the `TypeError` a typed slot of that type gives."
            );
            getters.push(quote! {
                #(#docs)*
                #separator
                #[doc = #doc]
                #[inline]
                #vis fn #fid(&self) -> #pv::Result<#ty, #pv::Error>
                where
                    for<'__pyslots_a> #ty: #pv::SlotValue,
                {
                    #pv::dict_typed::<#ty, Self>(self, #cls, #key)
                }
            });
        }
        let mut setters = Vec::new();
        for (f, key) in class.fields.iter().zip(keys) {
            let setter = format!("set_{}", f.name());
            if !taken.insert(setter.clone()) {
                continue;
            }
            let (ty, vis) = (&f.ty, &f.vis);
            let set_ident = Ident::new(&setter, Span::call_site());
            let doc = format!("Sets attribute `{key}` in the instance dict.");
            setters.push(quote! {
                #[doc = #doc]
                #[inline]
                #vis fn #set_ident(&mut self, __pyslots_value: #ty)
                where
                    for<'__pyslots_a> #pv::Value: ::core::convert::From<#ty>,
                {
                    #pv::dict_set::<Self>(self, #key, <#pv::Value as ::core::convert::From<#ty>>::from(__pyslots_value))
                }
            });
        }
        if self.class.args.frozen.is_some() {
            // A frozen class has no setters: `set_x` would write it.
            setters.clear();
        }
        quote!(#(#getters)* #(#setters)*)
    }

    /// `x(&self)` and `set_x(&mut self, T)` for each typed slot, except names
    /// that clash with what the class already has.
    fn accessors(&self, sp: &SlotPlan) -> TokenStream {
        let (pv, class, cls) = (&self.pv, self.class, self.name);
        let mut taken: HashSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
        let typed: Vec<_> = sp
            .slots
            .iter()
            .filter_map(|s| match s.kind {
                SlotKind::Typed { field, bit } => Some((s, &class.fields[field], bit)),
                SlotKind::Untyped { .. } => None,
            })
            .collect();
        let mut getters = Vec::new();
        for (slot, f, bit) in &typed {
            if !taken.insert(f.name()) {
                continue;
            }
            let (fid, ty, vis) = (&f.ident, &f.ty, &f.vis);
            let docs: Vec<_> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
            // A blank line between the field's own docs and ours, when it has any.
            let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
            let attr = &slot.name;
            let doc = format!(
                "Slot `{attr}`, typed. An unset slot (deleted, or never set on a `Default` instance) is \
                 `AttributeError: '{cls}' object has no attribute '{attr}'`."
            );
            getters.push(quote! {
                #(#docs)*
                #separator
                #[doc = #doc]
                #[inline]
                #vis fn #fid(&self) -> #pv::Result<<#ty as #pv::SlotValue>::Ref<'_>, #pv::Error> {
                    #pv::typed_ref::<#ty, _>(&self.#fid, &self.__pyslots_set, #bit, #cls, #attr)
                }
            });
        }
        let mut setters = Vec::new();
        for (slot, f, bit) in &typed {
            let setter = format!("set_{}", f.name());
            if !taken.insert(setter.clone()) {
                continue;
            }
            let (fid, ty, vis) = (&f.ident, &f.ty, &f.vis);
            let set_ident = Ident::new(&setter, Span::call_site());
            let doc = format!("Sets slot `{}`.", slot.name);
            setters.push(quote! {
                #[doc = #doc]
                #[inline]
                #vis fn #set_ident(&mut self, __pyslots_value: #ty) {
                    #pv::set_typed::<#ty, _>(&mut self.#fid, &mut self.__pyslots_set, #bit, __pyslots_value)
                }
            });
        }
        if self.class.args.frozen.is_some() {
            // A frozen class has no setters: `set_x` would write it.
            setters.clear();
        }
        quote!(#(#getters)* #(#setters)*)
    }
}

/// `pyslots_runtime::objects::class::BASES_MAX`: how many bases the
/// runtime's `Bases` tuples go up to.
const BASES_MAX: usize = 12;

/// The bases' layouts, as one constant: `<(A, B,) as Bases>::LIST`, which
/// the runtime checks once and rustc evaluates once per class (an array
/// `&[&<A as PyClass>::LAYOUT, ..]` in each rule is a promoted constant
/// rustc checks per rule: issue 22); the array without bases or past
/// `BASES_MAX`.
fn bases_list(pv: &TokenStream, bases: &[syn::Path]) -> TokenStream {
    if !bases.is_empty() && bases.len() <= BASES_MAX {
        // Spanned on the base (the first of several): a base that is no
        // class is blamed there.
        quote_spanned!(bases[0].span()=> <(#(#bases,)*) as #pv::Bases>::LIST)
    } else {
        quote!(&[#(&<#bases as #pv::PyClass>::LAYOUT),*])
    }
}

/// `pyslots_runtime::objects::layout::NO_DOCS_MAX`: how many slots without
/// docs `Layout::slot_docs` can lend `None`s for.
const NO_DOCS_MAX: usize = 64;

/// The name the expansion of `class` gives the facade's `__private`.
fn private_alias(class: &Class) -> Ident {
    format_ident!("__pyslots_{}", syn::ext::IdentExt::unraw(&class.ident))
}

/// The last segment of a base's path, unraw: `m::Animal` is `Animal`.
fn last_segment(path: &syn::Path) -> String {
    path.segments.last().map(|s| syn::ext::IdentExt::unraw(&s.ident).to_string()).unwrap_or_default()
}

/// The stored base of a class with bases: its type, the `StoredIf` chain
/// that selects it, and `new`'s parameter for it.
struct StoredBase {
    ty: TokenStream,
    selector: TokenStream,
    param: Ident,
    /// One base: `ty` is its path, and the chain is that base alone.
    single: bool,
}

/// The stored base: with one base, that base, and `new`'s parameter named
/// after it (`Animal` is `animal`); with several, the one
/// `best_base_index` picks, as a `StoredIf` chain's type, and `new`'s
/// parameter `base`.
fn stored_base(class: &Class) -> Option<StoredBase> {
    let pv = quote!(::pyslots::__private);
    let bases = &class.args.extends;
    let first = bases.first()?;
    let mut taken: HashSet<String> = class.fields.iter().map(Field::name).collect();
    let mut param = if bases.len() == 1 { snake_case(&last_segment(first)) } else { "base".to_owned() };
    // `gen` is reserved from edition 2024 on, which syn does not know.
    if param.is_empty() || param == "gen" || syn::parse_str::<Ident>(&param).is_err() || !taken.insert(param.clone()) {
        // A field may be named `base0` too; no field may start with
        // `__pyslots`.
        param = "base0".to_owned();
        if !taken.insert(param.clone()) {
            param = "__pyslots_base0".to_owned();
        }
    }
    let span = if bases.len() == 1 { first.span() } else { Span::call_site() };
    let param = Ident::new(&param, span);
    let consts = &bases_list(&pv, bases);
    let selector = if bases.len() == 1 {
        quote!(#pv::StoredIf<true, #first, #pv::NoBase>)
    } else {
        bases.iter().enumerate().rev().fold(
            quote!(#pv::NoBase),
            |rest, (k, base)| quote!(#pv::StoredIf<{ #pv::best_base_index(#consts) == #k }, #base, #rest>),
        )
    };
    let ty = if bases.len() == 1 { quote!(#first) } else { quote!(<#selector as #pv::Stored>::Type) };
    Some(StoredBase { ty, selector, param, single: bases.len() == 1 })
}

fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The flag type for `n` typed slots: the smallest unsigned integer with a
/// bit for each, an array of `u64` past 128.
fn flags_type(pv: &TokenStream, n: usize) -> TokenStream {
    match n {
        0..=8 => quote!(#pv::u8),
        9..=16 => quote!(#pv::u16),
        17..=32 => quote!(#pv::u32),
        33..=64 => quote!(#pv::u64),
        65..=128 => quote!(#pv::u128),
        _ => {
            let words = n.div_ceil(64);
            quote!([#pv::u64; #words])
        }
    }
}

/// `0u32`, `1u32`, ...: a slot's position, as a pattern and a value.
fn index_literal(index: usize) -> Literal {
    // A class cannot have 2^32 slots: rustc would not hold the struct.
    Literal::u32_suffixed(u32::try_from(index).unwrap_or(u32::MAX))
}

/// The body of a function from a name to its position in `names`
/// (`u32::MAX` if absent): a `match` on the length, then on the byte that
/// best tells that length's names apart, then one comparison of the whole
/// name. A plain `match name` compares the name against each candidate in
/// turn; this reaches any slot in two branches and one comparison.
fn name_index(pv: &TokenStream, names: &[String]) -> TokenStream {
    let mut by_len: BTreeMap<usize, Vec<(usize, &[u8])>> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        by_len.entry(n.len()).or_default().push((i, n.as_bytes()));
    }
    let groups = by_len.into_iter().map(|(len, group)| {
        // The position whose byte differs most among names of this length.
        let pos = (0..len)
            .max_by_key(|&p| {
                let distinct: BTreeSet<u8> = group.iter().map(|(_, b)| b[p]).collect();
                (distinct.len(), std::cmp::Reverse(p))
            })
            .unwrap_or(0);
        let arms = group.iter().map(|&(i, bytes)| {
            let index = index_literal(i);
            let whole = Literal::byte_string(bytes);
            if len == 1 {
                let byte = Literal::u8_suffixed(bytes[0]);
                quote!(#byte => #index)
            } else {
                let byte = Literal::u8_suffixed(bytes[pos]);
                quote!(#byte if __pyslots_bytes == #whole => #index)
            }
        });
        let len_lit = Literal::usize_suffixed(len);
        if len == 0 {
            let index = index_literal(group[0].0);
            quote!(0usize => #index)
        } else {
            quote!(#len_lit => match __pyslots_bytes[#pos] { #(#arms,)* _ => #pv::u32::MAX })
        }
    });
    quote! {
        let __pyslots_bytes = #pv::str::as_bytes(__pyslots_name);
        match __pyslots_bytes.len() {
            #(#groups,)*
            _ => #pv::u32::MAX,
        }
    }
}
