//! Emit a valid `#[methods]` block: the user's functions unchanged, and the
//! class's `MethodTable`, names and glue as one inherent constant
//! (`__PYSLOTS_BLOCK`, which `#[pyclass_like]`'s `ClassImpl::BLOCK` reads,
//! shadowing the empty default):
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
    // The getters' glue: `__pyslots_get(&self, i)` calls property `i`'s
    // getter on the class itself; the table's getter (for a `&dyn Object`,
    // a subclass's instance included) finds the receiver and calls it.
    let mut get_arms = Vec::new();
    let properties: Vec<TokenStream> = property_names.iter().enumerate().map(|(i, name)| {
        let find = |pick: fn(&Role) -> bool| m.fns.iter().find(|f| pick(&f.role) && &f.py_name() == name);
        let get = match find(|r| matches!(r, Role::Getter(_))) {
            Some(f) => {
                let ident = &f.ident;
                get_arms.push(quote!(#i => #pv::IntoReturn::into_return(#class::#ident(self))));
                quote! {
                    #pv::Some(|__pyslots_obj: &dyn #pv::Object| {
                        #class::__pyslots_get(#pv::receiver::<#class>(__pyslots_obj, #name, #class_name)?, #i)
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
    }).collect();

    let hook = |name: &str| m.fns.iter().find(|f| f.role == Role::Method && f.ident == name);
    let is_hook = |f: &MethodFn| is_hook_name(&f.ident.to_string());
    let method_fns: Vec<&MethodFn> =
        m.fns.iter().filter(|f| matches!(f.role, Role::Method | Role::Static | Role::Class) && !is_hook(f)).collect();
    let mut glue = Glue::default();
    let methods: Vec<TokenStream> =
        method_fns.iter().enumerate().map(|(i, f)| method_def(&pv, class, &class_name, f, i, &mut glue)).collect();

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
    names.extend(method_fns.iter().map(|f| f.py_name()));
    // The one `match` from a name to its entry (names are distinct:
    // `valid::names_distinct`).
    let property_indices = 0..property_names.len();
    let method_names: Vec<String> = method_fns.iter().map(|f| f.py_name()).collect();
    let method_indices = 0..method_names.len();
    let fallback = |arms: &[TokenStream], otherwise: TokenStream| {
        if arms.is_empty() {
            otherwise
        } else {
            quote!(match __pyslots_i { #(#arms,)* _ => #otherwise })
        }
    };
    let no_entry = quote!(#pv::Err(#pv::no_entry(__pyslots_i)));
    let get_body = fallback(&get_arms, no_entry.clone());
    let static_body = fallback(&glue.static_arms, no_entry);
    let ref_body =
        fallback(&glue.ref_arms, quote!(#class::__pyslots_call_static(__pyslots_i, __pyslots_args, __pyslots_kwargs)));
    let mut_body = fallback(
        &glue.mut_arms,
        quote!(#class::__pyslots_call_ref(self, __pyslots_i, __pyslots_args, __pyslots_kwargs)),
    );
    let args_ty = quote!(&[#pv::Value]);
    let kwargs_ty = quote!(&[(&::core::primitive::str, #pv::Value)]);
    let result_ty = quote!(#pv::Result<#pv::Value, #pv::Error>);
    quote! {
        #stripped
        #display
        #[allow(clippy::needless_question_mark, clippy::redundant_closure_call)]
        impl #class {
            #[doc(hidden)]
            #[inline(always)]
            pub fn __pyslots_named(__pyslots_name: &::core::primitive::str) -> #pv::Named {
                match __pyslots_name {
                    #(#property_names => #pv::Named::Property(#property_indices),)*
                    #(#method_names => #pv::Named::Method(#method_indices),)*
                    _ => #pv::Named::Nothing,
                }
            }
            #[doc(hidden)]
            #[inline(always)]
            pub fn __pyslots_get(&self, __pyslots_i: ::core::primitive::usize) -> #result_ty {
                #get_body
            }
            #[doc(hidden)]
            #[inline(always)]
            pub fn __pyslots_call_mut(
                &mut self,
                __pyslots_i: ::core::primitive::usize,
                __pyslots_args: #args_ty,
                __pyslots_kwargs: #kwargs_ty,
            ) -> #result_ty {
                #mut_body
            }
            #[doc(hidden)]
            #[inline(always)]
            pub fn __pyslots_call_ref(
                &self,
                __pyslots_i: ::core::primitive::usize,
                __pyslots_args: #args_ty,
                __pyslots_kwargs: #kwargs_ty,
            ) -> #result_ty {
                #ref_body
            }
            #[doc(hidden)]
            #[inline(always)]
            pub fn __pyslots_call_static(
                __pyslots_i: ::core::primitive::usize,
                __pyslots_args: #args_ty,
                __pyslots_kwargs: #kwargs_ty,
            ) -> #result_ty {
                #static_body
            }
            #[doc(hidden)]
            pub const __PYSLOTS_BLOCK: #pv::MethodBlock<Self> = #pv::MethodBlock {
                table: &#pv::MethodTable {
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
                },
                names: &[#(#names),*],
                glue: #pv::Glue {
                    named: Self::__pyslots_named,
                    get: Self::__pyslots_get,
                    call: Self::__pyslots_call_mut,
                },
            };
        }
        #(#conflicts)*
    }
}

/// The methods' glue, by receiver: `__pyslots_call_mut(&mut self, i,
/// ..)`, `__pyslots_call_ref(&self, i, ..)` and `__pyslots_call_static(i,
/// ..)`, each a `match` on the method's index whose arm binds, converts and
/// calls, falling through to the next (a `&mut self` caller can call
/// anything).
#[derive(Default)]
struct Glue {
    mut_arms: Vec<TokenStream>,
    ref_arms: Vec<TokenStream>,
    static_arms: Vec<TokenStream>,
}

/// One method's `MethodDef` (its signature, and a table entry that finds
/// the receiver and calls the glue), and its arm of the glue.
fn method_def(
    pv: &TokenStream,
    class: &Ident,
    class_name: &str,
    f: &MethodFn,
    index: usize,
    glue: &mut Glue,
) -> TokenStream {
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
    let call = match f.role {
        Role::Method => quote!(#class::#ident(self, #(#slots),*)),
        Role::Class => quote!(#class::#ident(&#pv::Type::of::<#class>(), #(#slots),*)),
        _ => quote!(#class::#ident(#(#slots),*)),
    };
    // Arguments given positionally, exactly as many as the parameters, are
    // lent as they are; any other call is bound (keywords, defaults and
    // CPython's errors) into `__pyslots_bound`.
    let arm = quote! {
        #index => {
            const __PYSLOTS_SIG: #pv::Signature = #sig;
            let __pyslots_bound: [#pv::Value; #n];
            let [#(#slots),*] = match #pv::positional::<#n>(__pyslots_args, __pyslots_kwargs) {
                #pv::Some(__pyslots_given) => __pyslots_given,
                #pv::None => {
                    __pyslots_bound = #pv::bind::<#n>(&__PYSLOTS_SIG, __pyslots_args, __pyslots_kwargs)?;
                    &__pyslots_bound
                }
            };
            #(#converts)*
            #pv::IntoReturn::into_return(#call)
        }
    };
    let args = quote!(__pyslots_args: &[#pv::Value], __pyslots_kwargs: &[(&::core::primitive::str, #pv::Value)]);
    let body = match (f.role.clone(), f.receiver) {
        (Role::Method, Receiver::Mut) => {
            glue.mut_arms.push(arm);
            quote! {
                #pv::Body::Mut(|__pyslots_obj: &mut dyn #pv::Object, #args| {
                    let __pyslots_self = #pv::receiver_mut::<#class>(__pyslots_obj, #name, #class_name)?;
                    #class::__pyslots_call_mut(__pyslots_self, #index, __pyslots_args, __pyslots_kwargs)
                })
            }
        }
        (Role::Method, _) => {
            glue.ref_arms.push(arm);
            quote! {
                #pv::Body::Ref(|__pyslots_obj: &dyn #pv::Object, #args| {
                    let __pyslots_self = #pv::receiver::<#class>(__pyslots_obj, #name, #class_name)?;
                    #class::__pyslots_call_ref(__pyslots_self, #index, __pyslots_args, __pyslots_kwargs)
                })
            }
        }
        _ => {
            glue.static_arms.push(arm);
            quote! {
                #pv::Body::Static(|#args| #class::__pyslots_call_static(#index, __pyslots_args, __pyslots_kwargs))
            }
        }
    };
    quote! {
        #pv::MethodDef { name: #name, sig: #sig, body: #body }
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
