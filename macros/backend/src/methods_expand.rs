//! Emit a valid `#[methods]` block: the user's functions unchanged, and the
//! class's `MethodTable` as an inherent constant (`__PYSLOTS_METHODS`,
//! which `#[pyclass_like]`'s layout reads, shadowing the empty default):
//! per function only a small wrapper that converts arguments and the
//! result and calls it. Binding, lookup and messages are runtime code.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Type;

use crate::methods_ast::{MethodFn, Methods, Receiver, Role};

/// The whole expansion.
pub fn expand(m: &Methods) -> TokenStream {
    let pv = quote!(::pyslots::__private);
    let class = &m.class;
    let class_name = class.to_string();
    let stripped = &m.stripped;

    let mut property_names: Vec<String> = Vec::new();
    for f in &m.fns {
        if let Role::Getter(n) | Role::Setter(n) | Role::Deleter(n) = &f.role {
            if !property_names.contains(n) {
                property_names.push(n.clone());
            }
        }
    }
    let properties = property_names.iter().map(|name| {
        let find = |pick: fn(&Role) -> bool| m.fns.iter().find(|f| pick(&f.role) && &f.py_name() == name);
        let get = match find(|r| matches!(r, Role::Getter(_))) {
            Some(f) => {
                let ident = &f.ident;
                quote! {
                    #pv::Some(|__pyslots_obj: &dyn #pv::Object| {
                        let __pyslots_self = #pv::receiver::<#class>(__pyslots_obj, #name, #class_name)?;
                        #pv::IntoReturn::into_return(#class::#ident(__pyslots_self))
                    })
                }
            }
            None => quote!(#pv::None),
        };
        let set = match find(|r| matches!(r, Role::Setter(_))) {
            Some(f) => {
                let ident = &f.ident;
                let ty = &f.params[0].ty;
                quote! {
                    #pv::Some(|__pyslots_obj: &mut dyn #pv::Object, __pyslots_value: #pv::Value| {
                        let __pyslots_value = #pv::setter_arg::<#ty>(__pyslots_value, #pv::Object::type_name(__pyslots_obj), #name)?;
                        let __pyslots_self = #pv::receiver_mut::<#class>(__pyslots_obj, #name, #class_name)?;
                        #pv::IntoUnit::into_unit(#class::#ident(__pyslots_self, __pyslots_value))
                    })
                }
            }
            None => quote!(#pv::None),
        };
        let del = match find(|r| matches!(r, Role::Deleter(_))) {
            Some(f) => {
                let ident = &f.ident;
                quote! {
                    #pv::Some(|__pyslots_obj: &mut dyn #pv::Object| {
                        let __pyslots_self = #pv::receiver_mut::<#class>(__pyslots_obj, #name, #class_name)?;
                        #pv::IntoUnit::into_unit(#class::#ident(__pyslots_self))
                    })
                }
            }
            None => quote!(#pv::None),
        };
        quote!(#pv::PropertyDef { name: #name, get: #get, set: #set, del: #del })
    });

    let hook = |name: &str| m.fns.iter().find(|f| f.role == Role::Method && f.ident == name);
    let is_hook = |f: &MethodFn| is_hook_name(&f.ident.to_string());
    let methods = m
        .fns
        .iter()
        .filter(|f| matches!(f.role, Role::Method | Role::Static | Role::Class) && !is_hook(f))
        .map(|f| method_def(&pv, class, &class_name, f));

    let getattr = match hook("__getattr__") {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_obj: &dyn #pv::Object, __pyslots_name: &::core::primitive::str| {
                    let __pyslots_self = #pv::receiver::<#class>(__pyslots_obj, "__getattr__", #class_name)?;
                    #pv::IntoReturn::into_return(#class::#ident(__pyslots_self, __pyslots_name))
                })
            }
        }
        None => quote!(#pv::None),
    };
    let setattr = match hook("__setattr__") {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_obj: &mut dyn #pv::Object, __pyslots_name: &::core::primitive::str, __pyslots_value: #pv::Value| {
                    let __pyslots_self = #pv::receiver_mut::<#class>(__pyslots_obj, "__setattr__", #class_name)?;
                    #pv::IntoUnit::into_unit(#class::#ident(__pyslots_self, __pyslots_name, __pyslots_value))
                })
            }
        }
        None => quote!(#pv::None),
    };
    let delattr = match hook("__delattr__") {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_obj: &mut dyn #pv::Object, __pyslots_name: &::core::primitive::str| {
                    let __pyslots_self = #pv::receiver_mut::<#class>(__pyslots_obj, "__delattr__", #class_name)?;
                    #pv::IntoUnit::into_unit(#class::#ident(__pyslots_self, __pyslots_name))
                })
            }
        }
        None => quote!(#pv::None),
    };
    let repr = match hook("__repr__") {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_obj: &dyn #pv::Object| {
                    match #pv::receiver::<#class>(__pyslots_obj, "__repr__", #class_name) {
                        #pv::Ok(__pyslots_self) => #pv::ToString::to_string(&#class::#ident(__pyslots_self)),
                        #pv::Err(__pyslots_e) => #pv::ToString::to_string(&__pyslots_e),
                    }
                })
            }
        }
        None => quote!(#pv::None),
    };

    let eq = match hook("__eq__") {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_a: &dyn #pv::Object, __pyslots_b: &dyn #pv::Object| {
                    let __pyslots_a = #pv::Result::ok(#pv::receiver::<#class>(__pyslots_a, "__eq__", #class_name))?;
                    let __pyslots_b = #pv::Result::ok(#pv::receiver::<#class>(__pyslots_b, "__eq__", #class_name))?;
                    #pv::Some(#class::#ident(__pyslots_a, __pyslots_b))
                })
            }
        }
        None => quote!(#pv::None),
    };
    let hash = match hook("__hash__") {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_obj: &dyn #pv::Object| {
                    match #pv::receiver::<#class>(__pyslots_obj, "__hash__", #class_name) {
                        #pv::Ok(__pyslots_self) => #class::#ident(__pyslots_self),
                        #pv::Err(_) => 0,
                    }
                })
            }
        }
        None => quote!(#pv::None),
    };
    let copy_fn = |name: &str| match hook(name) {
        Some(f) => {
            let ident = &f.ident;
            quote! {
                #pv::Some(|__pyslots_obj: &dyn #pv::Object| {
                    match #pv::exact::<#class>(__pyslots_obj) {
                        #pv::Some(__pyslots_self) => match #class::#ident(__pyslots_self) {
                            #pv::None => #pv::Copied::Itself,
                            #pv::Some(__pyslots_new) => #pv::Copied::New(#pv::Py::into_object(#pv::Py::new(__pyslots_new))),
                        },
                        #pv::None => #pv::Copied::Generic,
                    }
                })
            }
        }
        None => quote!(#pv::None),
    };
    let (copy, deepcopy) = (copy_fn("__copy__"), copy_fn("__deepcopy__"));

    // CPython: "'x' in __slots__ conflicts with class variable" for a
    // property or method named like one of the class's own slots.
    let conflicts = m.fns.iter().filter(|f| !is_hook(f)).map(|f| {
        let name = f.py_name();
        let message = format!(
            "'{name}' in __slots__ conflicts with class variable: a slot and a #[methods] name are one attribute"
        );
        quote_spanned! {f.ident.span()=>
            const _: () = ::core::assert!(
                !#pv::has_own_slot(&<#class as #pv::PyClass>::LAYOUT, #name),
                #message
            );
        }
    });

    // `__repr__` is also the owned object's `Display`, as CPython's `str()`
    // falls back to it.
    let display = hook("__repr__").map(|f| {
        let ident = &f.ident;
        quote! {
            impl ::core::fmt::Display for #class {
                fn fmt(&self, __pyslots_f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    __pyslots_f.write_str(&#class::#ident(self))
                }
            }
        }
    });
    let mut names: Vec<String> = property_names.clone();
    names.extend(
        m.fns
            .iter()
            .filter(|f| matches!(f.role, Role::Method | Role::Static | Role::Class) && !is_hook(f))
            .map(MethodFn::py_name),
    );
    quote! {
        #stripped
        #display
        impl #class {
            #[doc(hidden)]
            pub const __PYSLOTS_METHOD_NAMES: &'static [&'static ::core::primitive::str] = &[#(#names),*];
            #[doc(hidden)]
            #[allow(clippy::needless_question_mark, clippy::redundant_closure_call)]
            pub const __PYSLOTS_METHODS: &'static #pv::MethodTable = &#pv::MethodTable {
                properties: &[#(#properties),*],
                methods: &[#(#methods),*],
                getattr: #getattr,
                setattr: #setattr,
                delattr: #delattr,
                repr: #repr,
                eq: #eq,
                hash: #hash,
                copy: #copy,
                deepcopy: #deepcopy,
            };
        }
        #(#conflicts)*
    }
}

/// One method's `MethodDef`: its signature and a wrapper that binds,
/// converts and calls.
fn method_def(pv: &TokenStream, class: &Ident, class_name: &str, f: &MethodFn) -> TokenStream {
    let ident = &f.ident;
    let name = f.py_name();
    let qualname = format!("{class_name}.{name}");
    let (cls_param, params) = match f.role {
        Role::Class => (Some(&f.params[0]), &f.params[1..]),
        _ => (None, &f.params[..]),
    };
    let names: Vec<String> = params.iter().map(|p| p.name.to_string().trim_start_matches("r#").to_owned()).collect();
    let required = params.iter().rposition(|p| !is_option(&p.ty)).map_or(0, |i| i + 1);
    let receiver = match (f.role.clone(), cls_param) {
        (Role::Class, Some(p)) => {
            let n = p.name.to_string();
            quote!(#pv::Some(#n))
        }
        (Role::Method, _) => quote!(#pv::Some("self")),
        _ => quote!(#pv::None),
    };
    let sig = quote! {
        #pv::Signature { qualname: #qualname, receiver: #receiver, params: &[#(#names),*], required: #required }
    };
    let n = params.len();
    let slots: Vec<Ident> = (0..n).map(|i| format_ident!("__pyslots_a{}", i)).collect();
    let converts = params.iter().zip(&slots).enumerate().map(|(i, (p, slot))| {
        let ty = &p.ty;
        quote_spanned! {ty.span()=>
            let #slot = #pv::arg::<#ty>(#slot, &__PYSLOTS_SIG, #i)?;
        }
    });
    let (body_kind, recv_arg, call_self) = match (f.role.clone(), f.receiver) {
        (Role::Method, Receiver::Mut) => (
            quote!(Mut),
            quote!(__pyslots_obj: &mut dyn #pv::Object,),
            quote!(let __pyslots_self = #pv::receiver_mut::<#class>(__pyslots_obj, #name, #class_name)?;),
        ),
        (Role::Method, _) => (
            quote!(Ref),
            quote!(__pyslots_obj: &dyn #pv::Object,),
            quote!(let __pyslots_self = #pv::receiver::<#class>(__pyslots_obj, #name, #class_name)?;),
        ),
        _ => (quote!(Static), quote!(), quote!()),
    };
    let call = match f.role {
        Role::Method => quote!(#class::#ident(__pyslots_self, #(#slots),*)),
        Role::Class => quote!(#class::#ident(&#pv::Type::of::<#class>(), #(#slots),*)),
        _ => quote!(#class::#ident(#(#slots),*)),
    };
    quote! {
        #pv::MethodDef {
            name: #name,
            sig: #sig,
            body: #pv::Body::#body_kind(|#recv_arg __pyslots_args: &[#pv::Value], __pyslots_kwargs: &[(&::core::primitive::str, #pv::Value)]| {
                const __PYSLOTS_SIG: #pv::Signature = #sig;
                let [#(#slots),*] = #pv::bind::<#n>(&__PYSLOTS_SIG, __pyslots_args, __pyslots_kwargs)?;
                #(#converts)*
                #call_self
                #pv::IntoReturn::into_return(#call)
            }),
        }
    }
}

/// The hooks and special methods: not methods by name, but entries of
/// their own in the table.
fn is_hook_name(name: &str) -> bool {
    matches!(
        name,
        "__getattr__"
            | "__setattr__"
            | "__delattr__"
            | "__repr__"
            | "__eq__"
            | "__hash__"
            | "__copy__"
            | "__deepcopy__"
    )
}

/// Whether a parameter's type is spelled `Option<...>` (it may be omitted).
fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    }
}
