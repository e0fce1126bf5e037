//! Code generation: the struct, its storage, and thin glue to the runtime.
//!
//! Everything emitted names the runtime through `::pyslots::__private`, so
//! the user's imports never matter. Per class, only tables are generated: a
//! `match` from slot names to fields, the layout constant, the constructor
//! and accessors. The attribute algorithm itself is the runtime's
//! (`pyslots_runtime::class`), written and tested once.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::Class;
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
];

pub fn expand(class: &Class, plan: &Plan) -> TokenStream {
    match &plan.storage {
        Storage::Regular { keys } => expand_regular(class, plan, keys),
        Storage::Slotted(slots) => expand_slotted(class, plan, slots),
    }
}

fn expand_regular(class: &Class, plan: &Plan, keys: &[String]) -> TokenStream {
    let ident = &class.ident;
    let vis = &class.vis;
    let attrs = &class.attrs;
    let params = class.fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        quote!(#name: #ty)
    });
    let values = class.fields.iter().map(|f| {
        let name = &f.ident;
        quote_spanned!(f.ty.span()=> ::pyslots::__private::Value::from(#name))
    });
    let new_doc = format!(
        "A new instance whose dict holds the fields in declaration order, as `__init__` would set them: `{}`.",
        keys.join("`, `")
    );
    let keys_static = quote!(&::pyslots::__private::SharedKeys { names: &[#(#keys),*] });
    let common = common_impls(plan, ident, quote!(&[]), true, true);
    quote! {
        #(#attrs)*
        #vis struct #ident {
            __pyslots_dict: ::pyslots::__private::Dict,
        }

        impl #ident {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            #vis fn new(#(#params),*) -> Self {
                Self {
                    __pyslots_dict: ::pyslots::__private::Dict::from_shared(
                        #keys_static,
                        ::std::vec![#(#values),*],
                    ),
                }
            }
        }

        impl ::pyslots::__private::Default for #ident {
            /// An instance with an empty dict, as `object.__new__` makes it.
            fn default() -> Self {
                Self { __pyslots_dict: ::pyslots::__private::Dict::with_keys(#keys_static) }
            }
        }

        impl ::pyslots::__private::ClassImpl for #ident {
            #[inline]
            fn slot_get(&self, _name: &str) -> ::pyslots::__private::SlotGet {
                ::pyslots::__private::SlotGet::NotSlot
            }
            #[inline]
            fn slot_set(
                &mut self,
                _name: &str,
                value: ::pyslots::__private::Value,
                _cls: &'static str,
            ) -> ::pyslots::__private::Result<::pyslots::__private::SlotSet, ::pyslots::__private::Error> {
                ::pyslots::__private::Ok(::pyslots::__private::SlotSet::NotSlot(value))
            }
            #[inline]
            fn slot_del(&mut self, _name: &str) -> ::pyslots::__private::SlotDel {
                ::pyslots::__private::SlotDel::NotSlot
            }
            #[inline]
            fn instance_dict(&self) -> ::pyslots::__private::Option<&::pyslots::__private::Dict> {
                ::pyslots::__private::Some(&self.__pyslots_dict)
            }
            #[inline]
            fn instance_dict_mut(&mut self) -> ::pyslots::__private::Option<&mut ::pyslots::__private::Dict> {
                ::pyslots::__private::Some(&mut self.__pyslots_dict)
            }
            fn owned_heap_size(&self) -> usize {
                self.__pyslots_dict.heap_size()
            }
        }

        #common
    }
}

/// The flag type for `n` typed slots: the smallest unsigned integer with a
/// bit for each, an array of `u64` past 128.
fn flags_type(n: usize) -> TokenStream {
    match n {
        0..=8 => quote!(u8),
        9..=16 => quote!(u16),
        17..=32 => quote!(u32),
        33..=64 => quote!(u64),
        65..=128 => quote!(u128),
        _ => {
            let words = n.div_ceil(64);
            quote!([u64; #words])
        }
    }
}

fn untyped_field(index: usize) -> Ident {
    format_ident!("__pyslots_u{}", index)
}

fn expand_slotted(class: &Class, plan: &Plan, sp: &SlotPlan) -> TokenStream {
    let ident = &class.ident;
    let vis = &class.vis;
    let attrs = &class.attrs;
    let n_typed = sp.typed_count();
    let has_flags = n_typed > 0;
    let flags_ty = flags_type(n_typed);
    let pv = quote!(::pyslots::__private);

    // Storage fields.
    let mut fields = Vec::new();
    let mut init_new = Vec::new();
    let mut init_default = Vec::new();
    let mut get_arms = Vec::new();
    let mut set_arms = Vec::new();
    let mut del_arms = Vec::new();
    let mut heap = Vec::new();
    for slot in &sp.slots {
        let name = &slot.name;
        match slot.kind {
            SlotKind::Typed { field, bit } => {
                let f = &class.fields[field];
                let (fid, ty) = (&f.ident, &f.ty);
                let fattrs = f.attrs.iter().filter(|a| !a.path().is_ident("doc"));
                let stored =
                    quote_spanned!(ty.span()=> <#ty as ::pyslots::__private::SlotValue>::Stored);
                fields.push(quote!(#(#fattrs)* #fid: #stored));
                init_new.push(quote!(#fid: <#ty as #pv::SlotValue>::store(#fid)));
                init_default.push(quote!(#fid: <#ty as #pv::SlotValue>::vacant()));
                get_arms.push(quote!(#name => #pv::read_typed::<#ty, _>(&self.#fid, &self.__pyslots_set, #bit)));
                set_arms.push(quote!(
                    #name => #pv::write_typed::<#ty, _>(&mut self.#fid, &mut self.__pyslots_set, #bit, value, cls, #name)
                ));
                del_arms.push(quote!(#name => #pv::delete_typed::<#ty, _>(&mut self.#fid, &mut self.__pyslots_set, #bit)));
                heap.push(quote!(<#ty as #pv::SlotValue>::heap_size(&self.#fid)));
            }
            SlotKind::Untyped { index } => {
                let fid = untyped_field(index);
                fields.push(quote!(#fid: #pv::Option<#pv::Value>));
                init_new.push(quote!(#fid: #pv::None));
                init_default.push(quote!(#fid: #pv::None));
                get_arms.push(quote!(#name => #pv::read_untyped(&self.#fid)));
                set_arms.push(quote!(#name => #pv::write_untyped(&mut self.#fid, value)));
                del_arms.push(quote!(#name => #pv::delete_untyped(&mut self.#fid)));
                heap.push(quote!(#pv::untyped_heap_size(&self.#fid)));
            }
        }
    }
    if has_flags {
        fields.push(quote!(__pyslots_set: #flags_ty));
        let n = n_typed as u32;
        init_new.push(quote!(__pyslots_set: <#flags_ty as #pv::SetFlags>::all(#n)));
        init_default.push(quote!(__pyslots_set: <#flags_ty as #pv::Default>::default()));
    }
    if sp.dict {
        fields.push(quote!(__pyslots_dict: #pv::Dict));
        init_new.push(quote!(__pyslots_dict: #pv::Dict::new()));
        init_default.push(quote!(__pyslots_dict: #pv::Dict::new()));
        heap.push(quote!(self.__pyslots_dict.heap_size()));
    }
    let (dict_ref, dict_mut) = if sp.dict {
        (
            quote!(#pv::Some(&self.__pyslots_dict)),
            quote!(#pv::Some(&mut self.__pyslots_dict)),
        )
    } else {
        (quote!(#pv::None), quote!(#pv::None))
    };
    let body = if fields.is_empty() {
        quote!(;)
    } else {
        quote!({ #(#fields,)* })
    };

    // Constructor: the fields, in declaration order.
    let params = class.fields.iter().map(|f| {
        let (name, ty) = (&f.ident, &f.ty);
        quote!(#name: #ty)
    });
    let new_doc = if class.fields.is_empty() {
        "A new instance; every slot starts unset.".to_owned()
    } else if sp.slots.len() > class.fields.len() {
        "A new instance with every typed slot set; untyped slots start unset.".to_owned()
    } else {
        "A new instance with every slot set.".to_owned()
    };

    let accessors = accessors(class, plan, sp);
    let slot_names: Vec<&str> = sp.slots.iter().map(|s| s.name.as_str()).collect();
    let common = common_impls(
        plan,
        ident,
        quote!(&[#(#slot_names),*]),
        sp.dict,
        sp.weakref,
    );
    let heap = if heap.is_empty() {
        quote!(0)
    } else {
        quote!(#(#heap)+*)
    };

    quote! {
        #(#attrs)*
        #vis struct #ident #body

        impl #ident {
            #[doc = #new_doc]
            #[allow(clippy::too_many_arguments)]
            #vis fn new(#(#params),*) -> Self {
                Self { #(#init_new,)* }
            }
            #accessors
        }

        impl #pv::Default for #ident {
            /// An instance with every slot unset, as `object.__new__` makes it
            /// before `__init__` assigns anything.
            fn default() -> Self {
                Self { #(#init_default,)* }
            }
        }

        impl #pv::ClassImpl for #ident {
            #[inline]
            fn slot_get(&self, name: &str) -> #pv::SlotGet {
                match name {
                    #(#get_arms,)*
                    _ => #pv::SlotGet::NotSlot,
                }
            }
            #[inline]
            fn slot_set(
                &mut self,
                name: &str,
                value: #pv::Value,
                cls: &'static str,
            ) -> #pv::Result<#pv::SlotSet, #pv::Error> {
                let _ = cls;
                match name {
                    #(#set_arms,)*
                    _ => #pv::Ok(#pv::SlotSet::NotSlot(value)),
                }
            }
            #[inline]
            fn slot_del(&mut self, name: &str) -> #pv::SlotDel {
                match name {
                    #(#del_arms,)*
                    _ => #pv::SlotDel::NotSlot,
                }
            }
            #[inline]
            fn instance_dict(&self) -> #pv::Option<&#pv::Dict> {
                #dict_ref
            }
            #[inline]
            fn instance_dict_mut(&mut self) -> #pv::Option<&mut #pv::Dict> {
                #dict_mut
            }
            fn owned_heap_size(&self) -> usize {
                #heap
            }
        }

        #common
    }
}

/// `x(&self)` and `set_x(&mut self, T)` for each typed slot, except names
/// that clash with what the class already has.
fn accessors(class: &Class, plan: &Plan, sp: &SlotPlan) -> TokenStream {
    let pv = quote!(::pyslots::__private);
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
        let docs = f.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let attr = &slot.name;
        let doc = format!(
            "Slot `{attr}`, typed. An unset slot (deleted, or never set on a `Default` instance) is \
             `AttributeError: '{cls}' object has no attribute '{attr}'`."
        );
        getters.push(quote! {
            #(#docs)*
            #[doc = ""]
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
            #vis fn #set_ident(&mut self, value: #ty) {
                #pv::set_typed::<#ty, _>(&mut self.#fid, &mut self.__pyslots_set, #bit, value)
            }
        });
    }
    quote!(#(#getters)* #(#setters)*)
}

/// `Object`, `PyClass` and `Debug`: identical glue for every class.
fn common_impls(
    plan: &Plan,
    ident: &Ident,
    slots: TokenStream,
    dict: bool,
    weakref: bool,
) -> TokenStream {
    let pv = quote!(::pyslots::__private);
    let cls = &plan.name;
    let declared = match &plan.storage {
        Storage::Regular { .. } => quote!(#pv::None),
        Storage::Slotted(sp) => {
            let d = &sp.declared;
            quote!(#pv::Some(&[#(#d),*]))
        }
    };
    quote! {
        impl #pv::PyClass for #ident {
            const LAYOUT: #pv::Layout = #pv::Layout {
                name: #cls,
                module_path: #pv::module_path!(),
                slots: #slots,
                declared_slots: #declared,
                bases: &[],
                has_dict: #dict,
                has_weakref: #weakref,
                size: #pv::size_of::<Self>(),
            };
        }

        impl #pv::Object for #ident {
            #[inline]
            fn type_name(&self) -> &'static str {
                #cls
            }
            #[inline]
            fn getattr(&self, name: &str) -> #pv::Result<#pv::Value, #pv::Error> {
                #pv::getattr(self, name)
            }
            #[inline]
            fn setattr(&mut self, name: &str, value: #pv::Value) -> #pv::Result<(), #pv::Error> {
                #pv::setattr(self, name, value)
            }
            #[inline]
            fn delattr(&mut self, name: &str) -> #pv::Result<(), #pv::Error> {
                #pv::delattr(self, name)
            }
            #[inline]
            fn hasattr(&self, name: &str) -> bool {
                #pv::hasattr(self, name)
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
            fn heap_size(&self) -> usize {
                #pv::ClassImpl::owned_heap_size(self)
            }
        }

        impl #pv::fmt::Debug for #ident {
            fn fmt(&self, f: &mut #pv::fmt::Formatter<'_>) -> #pv::fmt::Result {
                #pv::debug(self, f)
            }
        }
    }
}
