//! Code generation: the struct, its storage, and thin glue to the runtime.
//!
//! Everything emitted names the runtime through `::pyslots::__private`, so
//! the user's imports never matter. Per class, only tables are generated: a
//! `match` from slot names to fields, the layout constant, the constructor,
//! accessors, and the const assertions for rules that depend on the bases.
//! The attribute algorithm itself is the runtime's
//! (`pyslots_runtime::class`), written and tested once.
//!
//! A subclass embeds its bases, first fields first (CPython's prefix
//! layout): slot lookups try the class's own slots, then each base's in
//! order; the instance dict is the class's own, or the first base's.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Class, Field};
use crate::valid::{Plan, SlotKind, SlotPlan, Storage};

/// Method names the class already has from pyslots: an accessor of the
/// same name would shadow them, so it is left out.
const RESERVED: &[&str] = &[
    "new",
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
    "owned_heap_size",
    "slot_get",
    "slot_set",
    "slot_del",
    "instance_dict",
    "instance_dict_mut",
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

/// Everything `expand` needs to know about one class.
struct Ctx<'a> {
    class: &'a Class,
    plan: &'a Plan,
    pv: TokenStream,
    /// `&[&<A as PyClass>::LAYOUT, ...]`: the bases' layouts, as a constant.
    bases_const: TokenStream,
    base_fields: Vec<Ident>,
    base_params: Vec<Ident>,
}

pub fn expand(class: &Class, plan: &Plan) -> TokenStream {
    let pv = quote!(::pyslots::__private);
    let bases = &class.args.extends;
    let bases_const = quote!(&[#(&<#bases as #pv::PyClass>::LAYOUT),*]);
    let base_fields = (0..bases.len()).map(|i| format_ident!("__pyslots_base{}", i)).collect();
    let base_params = base_param_names(class);
    let cx = Ctx { class, plan, pv, bases_const, base_fields, base_params };
    match &plan.storage {
        Storage::Regular { keys } => expand_regular(&cx, keys),
        Storage::Slotted(slots) => expand_slotted(&cx, slots),
    }
}

/// Constructor parameter names for the bases: `Animal` is `animal`.
fn base_param_names(class: &Class) -> Vec<Ident> {
    let mut taken: HashSet<String> = class.fields.iter().map(Field::name).collect();
    class
        .args
        .extends
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let last =
                path.segments.last().map(|s| syn::ext::IdentExt::unraw(&s.ident).to_string()).unwrap_or_default();
            let mut name = snake_case(&last);
            // `gen` is reserved from edition 2024 on, which syn does not know.
            if name.is_empty()
                || name == "gen"
                || syn::parse_str::<Ident>(&name).is_err()
                || !taken.insert(name.clone())
            {
                // A field may be named `base0` too; no field may start
                // with `__pyslots`.
                name = format!("base{i}");
                if !taken.insert(name.clone()) {
                    name = format!("__pyslots_base{i}");
                }
            }
            Ident::new(&name, path.span())
        })
        .collect()
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

impl Ctx<'_> {
    fn has_bases(&self) -> bool {
        !self.base_fields.is_empty()
    }

    /// Struct fields for the bases.
    fn base_struct_fields(&self) -> Vec<TokenStream> {
        let bases = &self.class.args.extends;
        self.base_fields.iter().zip(bases).map(|(f, b)| quote!(#f: #b)).collect()
    }

    /// Lookups in the bases after the class's own `match` found nothing.
    fn base_get(&self) -> TokenStream {
        let pv = &self.pv;
        let fields = &self.base_fields;
        quote! {
            #(
                match #pv::ClassImpl::slot_get(&self.#fields, __pyslots_name) {
                    #pv::SlotGet::NotSlot => {}
                    __pyslots_found => return __pyslots_found,
                }
            )*
            #pv::SlotGet::NotSlot
        }
    }

    fn base_set(&self) -> TokenStream {
        let pv = &self.pv;
        let fields = &self.base_fields;
        quote! {
            #(
                let __pyslots_value = match #pv::ClassImpl::slot_set(&mut self.#fields, __pyslots_name, __pyslots_value, __pyslots_cls)? {
                    #pv::SlotSet::NotSlot(__pyslots_value) => __pyslots_value,
                    __pyslots_done => return #pv::Ok(__pyslots_done),
                };
            )*
            #pv::Ok(#pv::SlotSet::NotSlot(__pyslots_value))
        }
    }

    fn base_del(&self) -> TokenStream {
        let pv = &self.pv;
        let fields = &self.base_fields;
        quote! {
            #(
                match #pv::ClassImpl::slot_del(&mut self.#fields, __pyslots_name) {
                    #pv::SlotDel::NotSlot => {}
                    __pyslots_done => return __pyslots_done,
                }
            )*
            #pv::SlotDel::NotSlot
        }
    }

    /// `instance_dict` and `instance_dict_mut`: the class's own dict
    /// storage (if `own`), else the first base's dict.
    fn dict_methods(&self, own: bool) -> TokenStream {
        let pv = &self.pv;
        let mut get = Vec::new();
        let mut get_mut = Vec::new();
        if own {
            get.push(quote!(#pv::DictStorage::get(&self.__pyslots_dict)));
            get_mut.push(quote!(#pv::DictStorage::get_mut(&mut self.__pyslots_dict)));
        }
        for f in &self.base_fields {
            get.push(quote!(#pv::ClassImpl::instance_dict(&self.#f)));
            get_mut.push(quote!(#pv::ClassImpl::instance_dict_mut(&mut self.#f)));
        }
        // Test with a shared borrow first: returning a conditional mutable
        // borrow from a loop of candidates does not pass today's borrow
        // checker.
        quote! {
            #[inline]
            fn instance_dict(&self) -> #pv::Option<&#pv::Dict> {
                #( if let #pv::Some(__pyslots_d) = #get { return #pv::Some(__pyslots_d); } )*
                #pv::None
            }
            #[inline]
            fn instance_dict_mut(&mut self) -> #pv::Option<&mut #pv::Dict> {
                #( if #pv::Option::is_some(&#get) { return #get_mut; } )*
                #pv::None
            }
        }
    }

    fn base_heap(&self) -> Vec<TokenStream> {
        let pv = &self.pv;
        self.base_fields.iter().map(|f| quote!(#pv::ClassImpl::owned_heap_size(&self.#f))).collect()
    }

    /// `Deref` to the first base and `AsRef`/`AsMut` to each, so the bases'
    /// typed accessors are at hand: `dog.name()` on a `Dog(Animal)`.
    fn base_access(&self) -> TokenStream {
        let ident = &self.class.ident;
        let bases = &self.class.args.extends;
        let fields = &self.base_fields;
        let Some((first_base, first_field)) = bases.first().zip(fields.first()) else {
            return TokenStream::new();
        };
        quote! {
            impl ::core::ops::Deref for #ident {
                type Target = #first_base;
                #[inline]
                fn deref(&self) -> &#first_base {
                    &self.#first_field
                }
            }
            impl ::core::ops::DerefMut for #ident {
                #[inline]
                fn deref_mut(&mut self) -> &mut #first_base {
                    &mut self.#first_field
                }
            }
            #(
                impl ::core::convert::AsRef<#bases> for #ident {
                    #[inline]
                    fn as_ref(&self) -> &#bases {
                        &self.#fields
                    }
                }
                impl ::core::convert::AsMut<#bases> for #ident {
                    #[inline]
                    fn as_mut(&mut self) -> &mut #bases {
                        &mut self.#fields
                    }
                }
            )*
        }
    }

    /// Rules that need the bases' layouts, checked by the compiler.
    fn base_assertions(
        &self,
        own_slots: &[(String, TokenStream)],
        dict: Option<&TokenStream>,
        weakref: Option<&TokenStream>,
    ) -> TokenStream {
        if !self.has_bases() {
            return TokenStream::new();
        }
        let pv = &self.pv;
        let bases = &self.bases_const;
        let mut out = TokenStream::new();
        if self.base_fields.len() > 1 {
            let span = self.class.args.extends_tokens.as_ref().map_or_else(Span::call_site, Spanned::span);
            let names: Vec<String> = self
                .class
                .args
                .extends
                .iter()
                .map(|p| p.segments.last().map(|s| syn::ext::IdentExt::unraw(&s.ident).to_string()).unwrap_or_default())
                .collect();
            let mro_message =
                format!("Cannot create a consistent method resolution order (MRO) for bases {}", names.join(", "));
            out.extend(quote_spanned! {span=>
                const _: () = ::core::assert!(!#pv::mro_conflict(#bases), #mro_message);
            });
            out.extend(quote_spanned! {span=>
                const _: () = ::core::assert!(
                    !#pv::layout_conflict(#bases),
                    "multiple bases have instance lay-out conflict"
                );
            });
        }
        if let Some(tokens) = dict {
            out.extend(quote_spanned! {tokens.span()=>
                const _: () = ::core::assert!(
                    !#pv::any_has_dict(#bases),
                    "__dict__ slot disallowed: we already got one"
                );
            });
        }
        if let Some(tokens) = weakref {
            out.extend(quote_spanned! {tokens.span()=>
                const _: () = ::core::assert!(
                    !#pv::any_has_weakref(#bases),
                    "__weakref__ slot disallowed: we already got one"
                );
            });
        }
        for (name, tokens) in own_slots {
            let message = format!(
                "'{name}' is already a slot of a base class: don't repeat parent slots (CPython would keep both, \
                 wasting the parent's); remove it from this class"
            );
            out.extend(quote_spanned! {tokens.span()=>
                const _: () = ::core::assert!(!#pv::any_has_slot(#bases, #name), #message);
            });
        }
        out
    }

    /// `impl PyClass` (the layout), `impl Object` (forwarders) and `Debug`.
    fn common_impls(
        &self,
        slots: &[&str],
        declared: TokenStream,
        has_dict: TokenStream,
        has_weakref: TokenStream,
    ) -> TokenStream {
        let pv = &self.pv;
        let ident = &self.class.ident;
        let cls = &self.plan.name;
        let bases = &self.bases_const;
        quote! {
            impl #pv::PyClass for #ident {
                const LAYOUT: #pv::Layout = #pv::Layout {
                    name: #cls,
                    module_path: #pv::module_path!(),
                    slots: &[#(#slots),*],
                    declared_slots: #declared,
                    bases: #bases,
                    has_dict: #has_dict,
                    has_weakref: #has_weakref,
                    size: #pv::size_of::<Self>(),
                };
                type WeakRefs = #pv::WeakRefs<{ #has_weakref }>;
            }

            impl #pv::Object for #ident {
                #[inline]
                fn type_name(&self) -> &'static ::core::primitive::str {
                    #cls
                }
                #[inline]
                fn getattr(&self, __pyslots_name: &::core::primitive::str) -> #pv::Result<#pv::Value, #pv::Error> {
                    #pv::getattr(self, __pyslots_name)
                }
                #[inline]
                fn setattr(
                    &mut self,
                    __pyslots_name: &::core::primitive::str,
                    __pyslots_value: #pv::Value,
                ) -> #pv::Result<(), #pv::Error> {
                    #pv::setattr(self, __pyslots_name, __pyslots_value)
                }
                #[inline]
                fn delattr(&mut self, __pyslots_name: &::core::primitive::str) -> #pv::Result<(), #pv::Error> {
                    #pv::delattr(self, __pyslots_name)
                }
                #[inline]
                fn hasattr(&self, __pyslots_name: &::core::primitive::str) -> ::core::primitive::bool {
                    #pv::hasattr(self, __pyslots_name)
                }
                fn dir(&self) -> #pv::Vec<#pv::String> {
                    #pv::dir(self)
                }
                #[inline]
                fn dict(&self) -> #pv::Option<&#pv::Dict> {
                    #pv::ClassImpl::instance_dict(self)
                }
                #[inline]
                fn dict_mut(&mut self) -> #pv::Option<&mut #pv::Dict> {
                    #pv::ClassImpl::instance_dict_mut(self)
                }
                #[inline]
                fn layout(&self) -> &'static #pv::Layout {
                    &<Self as #pv::PyClass>::LAYOUT
                }
                fn heap_size(&self) -> ::core::primitive::usize {
                    #pv::ClassImpl::owned_heap_size(self)
                }
            }

            impl #pv::fmt::Debug for #ident {
                fn fmt(&self, __pyslots_f: &mut #pv::fmt::Formatter<'_>) -> #pv::fmt::Result {
                    #pv::debug(self, __pyslots_f)
                }
            }
        }
    }

    /// Statements that make the bases' several dicts one, in `new`.
    fn merge_dicts(&self, own: bool) -> TokenStream {
        let pv = &self.pv;
        let candidates = usize::from(own) + self.base_fields.len();
        if candidates < 2 {
            return TokenStream::new();
        }
        let own = own.then(|| quote!(#pv::DictStorage::get_mut(&mut __pyslots_this.__pyslots_dict),));
        let fields = &self.base_fields;
        quote! {
            #pv::merge_dicts(&mut [#own #(#pv::ClassImpl::instance_dict_mut(&mut __pyslots_this.#fields)),*]);
        }
    }
}

fn expand_regular(cx: &Ctx, keys: &[String]) -> TokenStream {
    let Ctx { class, pv, bases_const, base_fields, base_params, .. } = cx;
    let ident = &class.ident;
    let vis = &class.vis;
    let attrs = &class.attrs;
    let bases = &class.args.extends;
    let params = class.fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        quote!(#name: #ty)
    });
    let values: Vec<TokenStream> = class
        .fields
        .iter()
        .map(|f| {
            let (name, ty) = (&f.ident, &f.ty);
            quote_spanned!(ty.span()=> <::pyslots::__private::Value as ::core::convert::From<#ty>>::from(#name))
        })
        .collect();
    let keys_static = quote!(<Self as #pv::ClassImpl>::shared_keys());

    // Without bases the dict is the class's own, over its shared key
    // table. With bases it is the first base's, or the class's own when no
    // base has one; the fields are inserted after what the bases set.
    let (dict_ty, dict_new, dict_default, init_fields) = if cx.has_bases() {
        (
            quote!(<#pv::DictIf<{ !#pv::any_has_dict(#bases_const) }> as #pv::DictSel>::Storage),
            quote!(#pv::Default::default()),
            quote!(#pv::Default::default()),
            quote! {
                if let #pv::Some(__pyslots_d) = #pv::ClassImpl::instance_dict_mut(&mut __pyslots_this) {
                    #( #pv::Dict::insert(__pyslots_d, #keys, #values); )*
                }
            },
        )
    } else {
        (
            quote!(#pv::Dict),
            quote!(#pv::Dict::from_shared_array(#keys_static, [#(#values),*])),
            quote!(#pv::Dict::with_keys(#keys_static)),
            TokenStream::new(),
        )
    };
    let merge = cx.merge_dicts(true);
    // The class's own key table: one static, and a `match` from names to
    // positions in it. A subclass's dict is a base's or grows from empty.
    let key_table = if cx.has_bases() {
        TokenStream::new()
    } else {
        let indices = 0..keys.len();
        quote! {
            #[inline(always)]
            fn shared_keys() -> &'static #pv::SharedKeys {
                static KEYS: #pv::SharedKeys = #pv::SharedKeys { names: &[#(#keys),*] };
                &KEYS
            }
            #[inline(always)]
            fn dict_key(__pyslots_name: &::core::primitive::str) -> #pv::Option<(&'static #pv::SharedKeys, ::core::primitive::usize)> {
                match __pyslots_name {
                    #(#keys => #pv::Some((<Self as #pv::ClassImpl>::shared_keys(), #indices)),)*
                    _ => #pv::None,
                }
            }
        }
    };
    let new_doc = if keys.is_empty() {
        "A new instance, its dict holding what the bases set.".to_owned()
    } else {
        format!(
            "A new instance whose dict holds the fields in declaration order, as `__init__` would set them: `{}`.",
            keys.join("`, `")
        )
    };
    let base_structs = cx.base_struct_fields();
    let dict_methods = cx.dict_methods(true);
    let heap = cx.base_heap();
    let base_get = cx.base_get();
    let base_set = cx.base_set();
    let base_del = cx.base_del();
    let field_slots: Vec<(String, TokenStream)> = class
        .fields
        .iter()
        .zip(keys)
        .map(|(f, k)| {
            let id = &f.ident;
            (k.clone(), quote!(#id))
        })
        .collect();
    let assertions = cx.base_assertions(&field_slots, None, None);
    let common = cx.common_impls(&[], quote!(#pv::None), quote!(true), quote!(true));
    let base_access = cx.base_access();
    let mutability = if init_fields.is_empty() && merge.is_empty() { quote!() } else { quote!(mut) };

    quote! {
        #(#attrs)*
        #vis struct #ident {
            #(#base_structs,)*
            __pyslots_dict: #dict_ty,
        }

        impl #ident {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            #vis fn new(#(#base_params: #bases,)* #(#params),*) -> Self {
                let #mutability __pyslots_this = Self {
                    #(#base_fields: #base_params,)*
                    __pyslots_dict: #dict_new,
                };
                #merge
                #init_fields
                __pyslots_this
            }
        }

        impl #pv::Default for #ident {
            /// An instance with an empty dict, as `object.__new__` makes it.
            fn default() -> Self {
                Self {
                    #(#base_fields: #pv::Default::default(),)*
                    __pyslots_dict: #dict_default,
                }
            }
        }

        impl #pv::ClassImpl for #ident {
            #[inline(always)]
            fn slot_get(&self, __pyslots_name: &::core::primitive::str) -> #pv::SlotGet {
                #base_get
            }
            #[inline(always)]
            fn slot_set(
                &mut self,
                __pyslots_name: &::core::primitive::str,
                __pyslots_value: #pv::Value,
                __pyslots_cls: &'static ::core::primitive::str,
            ) -> #pv::Result<#pv::SlotSet, #pv::Error> {
                let _ = (__pyslots_name, __pyslots_cls);
                #base_set
            }
            #[inline(always)]
            fn slot_del(&mut self, __pyslots_name: &::core::primitive::str) -> #pv::SlotDel {
                #base_del
            }
            #dict_methods
            fn owned_heap_size(&self) -> ::core::primitive::usize {
                #pv::Option::map_or(#pv::DictStorage::get(&self.__pyslots_dict), 0, #pv::Dict::heap_size) #(+ #heap)*
            }
            #key_table
        }

        #base_access
        #assertions
        #common
    }
}

/// The flag type for `n` typed slots: the smallest unsigned integer with a
/// bit for each, an array of `u64` past 128.
fn flags_type(n: usize) -> TokenStream {
    match n {
        0..=8 => quote!(::core::primitive::u8),
        9..=16 => quote!(::core::primitive::u16),
        17..=32 => quote!(::core::primitive::u32),
        33..=64 => quote!(::core::primitive::u64),
        65..=128 => quote!(::core::primitive::u128),
        _ => {
            let words = n.div_ceil(64);
            quote!([::core::primitive::u64; #words])
        }
    }
}

/// `0u32`, `1u32`, ...: a slot's position, as a pattern and a value.
fn index_literal(index: usize) -> Literal {
    Literal::u32_suffixed(u32::try_from(index).expect("fewer than 2^32 slots"))
}

/// The body of a function from a name to its position in `names`
/// (`u32::MAX` if absent): a `match` on the length, then on the byte that
/// best tells that length's names apart, then one comparison of the whole
/// name. A plain `match name` compares the name against each candidate in
/// turn; this reaches any slot in two branches and one comparison.
fn name_index(names: &[&str]) -> TokenStream {
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
            quote!(#len_lit => match __pyslots_bytes[#pos] { #(#arms,)* _ => ::core::primitive::u32::MAX })
        }
    });
    quote! {
        let __pyslots_bytes = ::core::primitive::str::as_bytes(__pyslots_name);
        match __pyslots_bytes.len() {
            #(#groups,)*
            _ => ::core::primitive::u32::MAX,
        }
    }
}

fn untyped_field(index: usize) -> Ident {
    format_ident!("__pyslots_u{}", index)
}

fn expand_slotted(cx: &Ctx, sp: &SlotPlan) -> TokenStream {
    let Ctx { class, pv, bases_const, base_fields, base_params, .. } = cx;
    let ident = &class.ident;
    let vis = &class.vis;
    let attrs = &class.attrs;
    let bases = &class.args.extends;
    let n_typed = sp.typed_count();
    let flags_ty = flags_type(n_typed);

    let mut fields = cx.base_struct_fields();
    let mut init_new: Vec<TokenStream> = base_fields.iter().zip(base_params).map(|(f, p)| quote!(#f: #p)).collect();
    let mut init_default: Vec<TokenStream> = base_fields.iter().map(|f| quote!(#f: #pv::Default::default())).collect();
    let mut get_arms = Vec::new();
    let mut set_arms = Vec::new();
    let mut del_arms = Vec::new();
    let mut heap = cx.base_heap();
    for (index, slot) in sp.slots.iter().enumerate() {
        let name = &slot.name;
        let key = index_literal(index);
        match slot.kind {
            SlotKind::Typed { field, bit } => {
                let f = &class.fields[field];
                let (fid, ty) = (&f.ident, &f.ty);
                let fattrs = f.attrs.iter().filter(|a| !a.path().is_ident("doc"));
                let stored = quote_spanned!(ty.span()=> <#ty as ::pyslots::__private::SlotValue>::Stored);
                fields.push(quote!(#(#fattrs)* #fid: #stored));
                init_new.push(quote!(#fid: <#ty as #pv::SlotValue>::store(#fid)));
                init_default.push(quote!(#fid: <#ty as #pv::SlotValue>::vacant()));
                get_arms.push(quote!(#key => #pv::read_typed::<#ty, _>(&self.#fid, &self.__pyslots_set, #bit)));
                set_arms.push(quote!(
                    #key => #pv::write_typed::<#ty, _>(&mut self.#fid, &mut self.__pyslots_set, #bit, __pyslots_value, __pyslots_cls, #name)
                ));
                del_arms
                    .push(quote!(#key => #pv::delete_typed::<#ty, _>(&mut self.#fid, &mut self.__pyslots_set, #bit)));
                heap.push(quote!(<#ty as #pv::SlotValue>::heap_size(&self.#fid)));
            }
            SlotKind::Untyped { index } => {
                let fid = untyped_field(index);
                fields.push(quote!(#fid: #pv::Option<#pv::Value>));
                init_new.push(quote!(#fid: #pv::None));
                init_default.push(quote!(#fid: #pv::None));
                get_arms.push(quote!(#key => #pv::read_untyped(&self.#fid)));
                set_arms.push(quote!(#key => #pv::write_untyped(&mut self.#fid, __pyslots_value)));
                del_arms.push(quote!(#key => #pv::delete_untyped(&mut self.#fid)));
                heap.push(quote!(#pv::untyped_heap_size(&self.#fid)));
            }
        }
    }
    if n_typed > 0 {
        fields.push(quote!(__pyslots_set: #flags_ty));
        let n = n_typed as u32;
        init_new.push(quote!(__pyslots_set: <#flags_ty as #pv::SetFlags>::all(#n)));
        init_default.push(quote!(__pyslots_set: <#flags_ty as #pv::Default>::default()));
    }
    let own_dict = sp.dict.is_some();
    if own_dict {
        fields.push(quote!(__pyslots_dict: #pv::Dict));
        init_new.push(quote!(__pyslots_dict: #pv::Dict::new()));
        init_default.push(quote!(__pyslots_dict: #pv::Dict::new()));
        heap.push(quote!(#pv::Dict::heap_size(&self.__pyslots_dict)));
    }
    let body = if fields.is_empty() { quote!(;) } else { quote!({ #(#fields,)* }) };
    let dict_methods = cx.dict_methods(own_dict);
    let merge = cx.merge_dicts(own_dict);

    let params = class.fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        quote!(#name: #ty)
    });
    let new_doc = if class.fields.is_empty() && !cx.has_bases() {
        "A new instance; every slot starts unset.".to_owned()
    } else if sp.slots.len() > class.fields.len() {
        "A new instance with every typed slot set; untyped slots start unset.".to_owned()
    } else {
        "A new instance with every slot set.".to_owned()
    };

    let (get_rest, set_rest, del_rest) = if cx.has_bases() {
        (cx.base_get(), cx.base_set(), cx.base_del())
    } else {
        (
            quote!(#pv::SlotGet::NotSlot),
            quote!(#pv::Ok(#pv::SlotSet::NotSlot(__pyslots_value))),
            quote!(#pv::SlotDel::NotSlot),
        )
    };
    let accessors = accessors(cx, sp);
    let slot_names: Vec<&str> = sp.slots.iter().map(|s| s.name.as_str()).collect();
    let slot_index = name_index(&slot_names);
    let declared = &sp.declared;
    let has_dict = if own_dict { quote!(true) } else { quote!(#pv::any_has_dict(#bases_const)) };
    let has_weakref = if sp.weakref.is_some() { quote!(true) } else { quote!(#pv::any_has_weakref(#bases_const)) };
    let common = cx.common_impls(&slot_names, quote!(#pv::Some(&[#(#declared),*])), has_dict, has_weakref);
    let own_slots: Vec<(String, TokenStream)> = sp.slots.iter().map(|s| (s.name.clone(), s.tokens.clone())).collect();
    let assertions = cx.base_assertions(&own_slots, sp.dict.as_ref(), sp.weakref.as_ref());
    let base_access = cx.base_access();
    let heap = if heap.is_empty() { quote!(0) } else { quote!(#(#heap)+*) };
    let mutability = if merge.is_empty() { quote!() } else { quote!(mut) };

    quote! {
        #(#attrs)*
        #vis struct #ident #body

        impl #ident {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            #vis fn new(#(#base_params: #bases,)* #(#params),*) -> Self {
                let #mutability __pyslots_this = Self { #(#init_new,)* };
                #merge
                __pyslots_this
            }
            #accessors
            /// The position of slot `name` among this class's own slots,
            /// `u32::MAX` if it is not one of them.
            #[doc(hidden)]
            #[inline(always)]
            fn __pyslots_slot_index(__pyslots_name: &::core::primitive::str) -> ::core::primitive::u32 {
                #slot_index
            }
        }

        impl #pv::Default for #ident {
            /// An instance with every slot unset, as `object.__new__` makes it
            /// before `__init__` assigns anything.
            fn default() -> Self {
                Self { #(#init_default,)* }
            }
        }

        impl #pv::ClassImpl for #ident {
            #[inline(always)]
            fn slot_get(&self, __pyslots_name: &::core::primitive::str) -> #pv::SlotGet {
                match Self::__pyslots_slot_index(__pyslots_name) {
                    #(#get_arms,)*
                    _ => { #get_rest }
                }
            }
            #[inline(always)]
            fn slot_set(
                &mut self,
                __pyslots_name: &::core::primitive::str,
                __pyslots_value: #pv::Value,
                __pyslots_cls: &'static ::core::primitive::str,
            ) -> #pv::Result<#pv::SlotSet, #pv::Error> {
                let _ = __pyslots_cls;
                match Self::__pyslots_slot_index(__pyslots_name) {
                    #(#set_arms,)*
                    _ => { #set_rest }
                }
            }
            #[inline(always)]
            fn slot_del(&mut self, __pyslots_name: &::core::primitive::str) -> #pv::SlotDel {
                match Self::__pyslots_slot_index(__pyslots_name) {
                    #(#del_arms,)*
                    _ => { #del_rest }
                }
            }
            #dict_methods
            fn owned_heap_size(&self) -> ::core::primitive::usize {
                #heap
            }
        }

        #base_access
        #assertions
        #common
    }
}

/// `x(&self)` and `set_x(&mut self, T)` for each typed slot, except names
/// that clash with what the class already has.
fn accessors(cx: &Ctx, sp: &SlotPlan) -> TokenStream {
    let Ctx { class, plan, pv, .. } = cx;
    let cls = &plan.name;
    let mut taken: HashSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut getters = Vec::new();
    let mut setters = Vec::new();
    let typed: Vec<_> = sp
        .slots
        .iter()
        .filter_map(|s| match s.kind {
            SlotKind::Typed { field, bit } => Some((s, &class.fields[field], bit)),
            SlotKind::Untyped { .. } => None,
        })
        .collect();
    for (slot, f, bit) in &typed {
        let name = f.name();
        if !taken.insert(name.clone()) {
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
    quote!(#(#getters)* #(#setters)*)
}
