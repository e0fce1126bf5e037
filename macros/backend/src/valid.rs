//! The rules one class must follow, one function each, as serde_derive's
//! `check.rs`. Each records its errors in the [`Ctxt`] and goes on, so one
//! compile reports every mistake. Nothing here decides the layout: that is
//! `plan`, which runs only on a class that passed every rule.
//!
//! Rules that need other items (a base's slots, dict or weak references)
//! cannot be decided here; `expand` hands them to the compiler as const
//! assertions.

use std::collections::HashSet;

use syn::Path;

use crate::ast::{Class, Field};
use crate::attr::SlotItem;
use crate::ctxt::Ctxt;
use pyslots_suggest::names::{is_identifier, mangle};

/// Checks every rule, in the order their errors read best.
pub fn check(cx: &Ctxt, class: &Class) {
    no_generics(cx, class);
    no_where_clause(cx, class);
    field_attrs_supported(cx, class);
    no_derive_of_generated_traits(cx, class);
    no_field_named_like_special_slot(cx, class);
    no_field_named_reserved(cx, class);
    match &class.slots {
        None => regular_keys_distinct(cx, class),
        Some(slots) => {
            slots_are_identifiers(cx, &slots.items);
            slots_exclude_slots_attr(cx, &slots.items);
            slots_distinct(cx, class, &slots.items);
            special_slots_once(cx, &slots.items);
            fields_listed_in_slots(cx, class, &slots.items);
            slots_exclude_class_attrs(cx, class, &slots.items);
        }
    }
    class_attrs_distinct(cx, class);
    class_attrs_not_special(cx, class);
    bases_distinct(cx, class);
}

/// A class has one layout, known at compile time: no type or lifetime
/// parameters.
fn no_generics(cx: &Ctxt, class: &Class) {
    if !class.generics.params.is_empty() {
        cx.error_spanned_by(
            &class.generics,
            "generic classes are not supported: a #[pyclass_like] class has one layout, known at compile time; \
             use a concrete type for each field",
        );
    }
}

/// Without generic parameters a where clause has nothing to bound.
fn no_where_clause(cx: &Ctxt, class: &Class) {
    if !class.generics.params.is_empty() {
        return;
    }
    if let Some(where_clause) = &class.generics.where_clause {
        let message = "a #[pyclass_like] class takes no where clause: it has no generic parameters to bound";
        if where_clause.predicates.is_empty() {
            // An empty `where` prints as no tokens at all.
            cx.error_spanned_by(where_clause.where_token, message);
        } else {
            cx.error_spanned_by(where_clause, message);
        }
    }
}

/// A slot is always present in the layout, so attributes that remove or
/// rename a field (`cfg`, serde's) cannot apply; docs and lints can.
fn field_attrs_supported(cx: &Ctxt, class: &Class) {
    for field in &class.fields {
        for a in &field.attrs {
            if !is_supported_field_attr(a) {
                cx.error_spanned_by(
                    a,
                    "pyslots supports only doc comments and lint attributes on fields: a slot is always present in the layout",
                );
            }
        }
    }
}

/// Doc comments and lint attributes: what a field may carry.
pub fn is_supported_field_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    path.is_ident("doc") || path.is_ident("allow") || path.is_ident("expect")
}

/// pyslots implements `Debug` and `Default` itself; a derive of either
/// would conflict.
fn no_derive_of_generated_traits(cx: &Ctxt, class: &Class) {
    for a in &class.attrs {
        if !a.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = a.parse_args_with(syn::punctuated::Punctuated::<Path, syn::Token![,]>::parse_terminated) else {
            continue;
        };
        for p in paths {
            if let Some(last) = p.segments.last() {
                if last.ident == "Debug" || last.ident == "Default" {
                    cx.error_spanned_by(
                        &p,
                        format!(
                            "#[pyclass_like] already implements `{}` for this class; remove it from the derive",
                            last.ident
                        ),
                    );
                }
            }
        }
    }
}

/// `__dict__` and `__weakref__` are the class's descriptors, not fields.
fn no_field_named_like_special_slot(cx: &Ctxt, class: &Class) {
    for f in &class.fields {
        let name = f.name();
        if name == "__dict__" || name == "__weakref__" {
            let hint = if class.slots.is_some() {
                format!("list `{name}` in #[slots] instead")
            } else {
                format!("a class without #[slots] already has `{name}`")
            };
            cx.error_spanned_by(&f.ident, format!("a field cannot be named `{name}`: {hint}"));
        }
    }
}

/// The generated storage fields are named `__pyslots_*`.
fn no_field_named_reserved(cx: &Ctxt, class: &Class) {
    for f in &class.fields {
        if f.name().starts_with("__pyslots") {
            cx.error_spanned_by(&f.ident, "field names starting with `__pyslots` are reserved for pyslots");
        }
    }
}

/// A regular class's fields are dict keys: two may not become one key by
/// private-name mangling (`__m` and `_P__m` in class `P`).
fn regular_keys_distinct(cx: &Ctxt, class: &Class) {
    let name = class.name();
    let mut seen = HashSet::new();
    for f in &class.fields {
        let key = mangle(&name, &f.name());
        if !seen.insert(key.clone()) {
            cx.error_spanned_by(
                &f.ident,
                format!("two fields are both the attribute '{key}' after private-name mangling"),
            );
        }
    }
}

/// CPython's `__slots__ must be identifiers`.
fn slots_are_identifiers(cx: &Ctxt, items: &[SlotItem]) {
    for item in items.iter().filter(|i| !is_identifier(&i.name)) {
        cx.error_spanned_by(&item.tokens, "__slots__ must be identifiers");
    }
}

/// `__slots__` itself is a class attribute, so a slot of that name
/// conflicts with it, as CPython says.
fn slots_exclude_slots_attr(cx: &Ctxt, items: &[SlotItem]) {
    for item in items.iter().filter(|i| i.name == "__slots__") {
        cx.error_spanned_by(&item.tokens, "'__slots__' in __slots__ conflicts with class variable");
    }
}

/// CPython's `__dict__ slot disallowed: we already got one`, and the same
/// for `__weakref__` (3.12's wording: 3.11 says nothing and keeps one).
fn special_slots_once(cx: &Ctxt, items: &[SlotItem]) {
    for special in ["__dict__", "__weakref__"] {
        for item in items.iter().filter(|i| i.name == special).skip(1) {
            cx.error_spanned_by(&item.tokens, format!("{special} slot disallowed: we already got one"));
        }
    }
}

/// Each slot once, after mangling: CPython would silently keep both, and
/// the first would be unreachable.
fn slots_distinct(cx: &Ctxt, class: &Class, items: &[SlotItem]) {
    let name = class.name();
    let mut seen = HashSet::new();
    for item in items.iter().filter(|i| is_plain_slot(i)) {
        let slot = mangle(&name, &item.name);
        if !seen.insert(slot.clone()) {
            cx.error_spanned_by(
                &item.tokens,
                format!("duplicate slot '{slot}': list each name once (CPython would silently keep both)"),
            );
        }
    }
}

/// A slotted class stores nothing but its slots. A slot that names no
/// field and is near the name of a field that is not listed (CPython's
/// "Did you mean" rule, `pyslots_suggest`) is most likely that field
/// misspelt: the slot gets a hint of its own.
fn fields_listed_in_slots(cx: &Ctxt, class: &Class, items: &[SlotItem]) {
    let mut unlisted = Vec::new();
    for f in &class.fields {
        let name = f.name();
        if !items.iter().any(|i| i.name == name) {
            cx.error_spanned_by(&f.ident, not_listed_message(f));
            unlisted.push(name);
        }
    }
    // Sorted, as CPython's candidates are: a tie goes to the first name.
    unlisted.sort_unstable();
    let unlisted: Vec<&str> = unlisted.iter().map(String::as_str).collect();
    let fieldless = items.iter().filter(|i| is_plain_slot(i) && !class.fields.iter().any(|f| f.name() == i.name));
    for item in fieldless {
        if let Some(field) = pyslots_suggest::suggest(&item.name, &unlisted) {
            let slot = &item.name;
            cx.error_spanned_by(
                &item.tokens,
                format!("`{slot}` names no field; did you mean `{field}`? (the field `{field}` is not listed in #[slots(...)])"),
            );
        }
    }
}

fn not_listed_message(f: &Field) -> String {
    let name = f.name();
    format!(
        "field `{name}` is not listed in #[slots(...)]: a slotted class stores nothing but its slots; \
         add `{name}` to #[slots] or remove the field"
    )
}

/// CPython's `ValueError: 'x' in __slots__ conflicts with class variable`:
/// a name is a slot (a data descriptor) or a class attribute of one class,
/// not both.
fn slots_exclude_class_attrs(cx: &Ctxt, class: &Class, items: &[SlotItem]) {
    let name = class.name();
    for item in items.iter().filter(|i| is_plain_slot(i)) {
        let slot = mangle(&name, &item.name);
        if class.args.class_attrs.iter().any(|a| mangle(&name, &a.name) == slot) {
            cx.error_spanned_by(&item.tokens, format!("'{slot}' in __slots__ conflicts with class variable"));
        }
    }
}

/// Each class attribute once (a Python class body would keep the last).
fn class_attrs_distinct(cx: &Ctxt, class: &Class) {
    let name = class.name();
    let mut seen = HashSet::new();
    for attr in &class.args.class_attrs {
        let key = mangle(&name, &attr.name);
        if !seen.insert(key.clone()) {
            cx.error_spanned_by(&attr.ident, format!("duplicate class attribute '{key}'"));
        }
    }
}

/// Dunder names (`__slots__`, `__dict__`, `__doc__`, ...) mean something to
/// the class itself; pyslots models none of them as a class attribute.
fn class_attrs_not_special(cx: &Ctxt, class: &Class) {
    for attr in &class.args.class_attrs {
        if attr.name.len() > 4 && attr.name.starts_with("__") && attr.name.ends_with("__") {
            cx.error_spanned_by(
                &attr.ident,
                format!("`{}` is a special name: class_attrs takes ordinary attributes only", attr.name),
            );
        }
    }
}

/// CPython's `duplicate base class A`.
fn bases_distinct(cx: &Ctxt, class: &Class) {
    let mut seen = HashSet::new();
    for base in &class.args.extends {
        let text = quote::ToTokens::to_token_stream(base).to_string().replace(' ', "");
        if !seen.insert(text.clone()) {
            cx.error_spanned_by(base, format!("duplicate base class {text}"));
        }
    }
}

/// An entry of `#[slots]` that is an ordinary slot: an identifier, and not
/// one of the names with a meaning of their own.
pub fn is_plain_slot(item: &SlotItem) -> bool {
    is_identifier(&item.name) && !matches!(item.name.as_str(), "__slots__" | "__dict__" | "__weakref__")
}

// ---------------------------------------------------------------------------
// The rules of a `#[methods]` block.

use crate::methods_ast::{MethodFn, Methods, Receiver, Role};

/// Checks every rule of a `#[methods]` block, in the order their errors
/// read best.
pub fn check_methods(cx: &Ctxt, methods: &Methods) {
    for f in &methods.fns {
        fn_supported(cx, f);
        one_role(cx, f);
        no_reserved_name(cx, f);
        special_method_supported(cx, f);
        hook_signature(cx, f);
        getter_signature(cx, f);
        setter_signature(cx, f);
        deleter_signature(cx, f);
        method_receiver(cx, f);
        static_without_receiver(cx, f);
        classmethod_takes_cls(cx, f);
    }
    accessors_once(cx, methods);
    names_distinct(cx, methods);
}

/// A method's wrapper is made for one concrete signature: no generics,
/// `async`, `const` or `unsafe`.
fn fn_supported(cx: &Ctxt, f: &MethodFn) {
    if let Some((span, what)) = f.unsupported {
        cx.error_at(span, format!("#[methods] cannot expose {what}: Python calls it with values of one signature"));
    }
}

/// A function is one thing to Python: a method, a static method, a class
/// method, or one accessor of a property.
fn one_role(cx: &Ctxt, f: &MethodFn) {
    if let [_, second, ..] = f.role_attrs.as_slice() {
        cx.error_spanned_by(
            second,
            format!("`{}` already has #[{}]: a function is one thing to Python", f.ident, f.role_attrs[0]),
        );
    }
}

/// Generated items are spelled `__pyslots_*`.
fn no_reserved_name(cx: &Ctxt, f: &MethodFn) {
    if f.ident.to_string().starts_with("__pyslots") {
        cx.error_spanned_by(&f.ident, "names starting with `__pyslots` are reserved for pyslots");
    }
}

/// `__init__` and `__new__` are how Python makes an object; a
/// `#[pyclass_like]` class is made by `new`, `with_base` or `Default`.
fn special_method_supported(cx: &Ctxt, f: &MethodFn) {
    let name = f.ident.to_string();
    if f.role == Role::Method && matches!(name.as_str(), "__init__" | "__new__") {
        cx.error_spanned_by(
            &f.ident,
            format!("`{name}` is not supported in #[methods]: the class is made by `new`, `with_base` or `Default`"),
        );
    }
}

/// The hooks' and special methods' signatures are fixed (DESIGN:
/// `__getattr__(&self, name: &str)`, `__setattr__(&mut self, name: &str,
/// value: Value)`, `__delattr__(&mut self, name: &str)`, `__repr__(&self)
/// -> String`, `__eq__(&self, other: &Self) -> bool`, `__hash__(&self) ->
/// i64`; `__copy__`/`__deepcopy__(&self) -> Option<Self>`, `None` being the
/// object itself).
fn hook_signature(cx: &Ctxt, f: &MethodFn) {
    let (receiver, count, spelled) = match f.ident.to_string().as_str() {
        "__getattr__" => (Receiver::Ref, 1, "fn __getattr__(&self, name: &str) -> Result<Value, Error>"),
        "__setattr__" => (Receiver::Mut, 2, "fn __setattr__(&mut self, name: &str, value: Value) -> Result<(), Error>"),
        "__delattr__" => (Receiver::Mut, 1, "fn __delattr__(&mut self, name: &str) -> Result<(), Error>"),
        "__repr__" => (Receiver::Ref, 0, "fn __repr__(&self) -> String"),
        "__eq__" => (Receiver::Ref, 1, "fn __eq__(&self, other: &Self) -> bool"),
        "__hash__" => (Receiver::Ref, 0, "fn __hash__(&self) -> i64"),
        "__copy__" => (Receiver::Ref, 0, "fn __copy__(&self) -> Option<Self>"),
        "__deepcopy__" => (Receiver::Ref, 0, "fn __deepcopy__(&self) -> Option<Self>"),
        _ => return,
    };
    if f.role != Role::Method || f.receiver != receiver || f.params.len() != count || f.ret.is_none() {
        cx.error_spanned_by(&f.ident, format!("this hook's signature must be `{spelled}`"));
    }
}

/// A getter is `fn name(&self) -> T`: Python passes it nothing.
fn getter_signature(cx: &Ctxt, f: &MethodFn) {
    if let Role::Getter(_) = f.role {
        if f.receiver != Receiver::Ref || !f.params.is_empty() || f.ret.is_none() {
            cx.error_spanned_by(
                &f.ident,
                "a #[getter] takes `&self` alone and returns the value: `fn name(&self) -> T`",
            );
        }
    }
}

/// A setter is `fn set_name(&mut self, value: T)`: Python passes it the
/// value.
fn setter_signature(cx: &Ctxt, f: &MethodFn) {
    if let Role::Setter(_) = f.role {
        if f.receiver != Receiver::Mut || f.params.len() != 1 {
            cx.error_spanned_by(
                &f.ident,
                "a #[setter] takes `&mut self` and the value: `fn set_name(&mut self, value: T)` (or `-> Result<(), Error>`)",
            );
        }
    }
}

/// A deleter is `fn del_name(&mut self)`.
fn deleter_signature(cx: &Ctxt, f: &MethodFn) {
    if let Role::Deleter(_) = f.role {
        if f.receiver != Receiver::Mut || !f.params.is_empty() {
            cx.error_spanned_by(&f.ident, "a #[deleter] takes `&mut self` alone: `fn del_name(&mut self)`");
        }
    }
}

/// A method binds to an instance it borrows: `&self` or `&mut self`; a
/// function without one is a `#[staticmethod]`.
fn method_receiver(cx: &Ctxt, f: &MethodFn) {
    if f.role != Role::Method {
        return;
    }
    match f.receiver {
        Receiver::Ref | Receiver::Mut => {}
        Receiver::Owned => cx.error_spanned_by(
            &f.ident,
            "a method takes `&self` or `&mut self`, not `self`: the object stays where it is",
        ),
        Receiver::None => cx.error_spanned_by(
            &f.ident,
            "a method takes `&self` or `&mut self`; mark a function without one #[staticmethod]",
        ),
    }
}

/// A static method is called without an instance.
fn static_without_receiver(cx: &Ctxt, f: &MethodFn) {
    if f.role == Role::Static && f.receiver != Receiver::None {
        cx.error_spanned_by(&f.ident, "a #[staticmethod] takes no `self`");
    }
}

/// A class method's first parameter is the class, `cls: &Type`.
fn classmethod_takes_cls(cx: &Ctxt, f: &MethodFn) {
    if f.role == Role::Class && (f.receiver != Receiver::None || f.params.is_empty()) {
        cx.error_spanned_by(&f.ident, "a #[classmethod] takes the class first, no `self`: `fn name(cls: &Type, ...)`");
    }
}

/// A property has one getter, one setter and one deleter at most.
fn accessors_once(cx: &Ctxt, methods: &Methods) {
    let mut seen: HashSet<(String, &'static str)> = HashSet::new();
    for f in &methods.fns {
        let (name, kind) = match &f.role {
            Role::Getter(n) => (n, "#[getter]"),
            Role::Setter(n) => (n, "#[setter]"),
            Role::Deleter(n) => (n, "#[deleter]"),
            _ => continue,
        };
        if !seen.insert((name.clone(), kind)) {
            cx.error_spanned_by(&f.ident, format!("property '{name}' already has a {kind}"));
        }
    }
}

/// One name is one attribute: a property and a method (or two methods)
/// cannot share it (the later would replace the earlier in a Python class
/// body).
fn names_distinct(cx: &Ctxt, methods: &Methods) {
    let mut properties: HashSet<String> = HashSet::new();
    let mut fns: HashSet<String> = HashSet::new();
    for f in &methods.fns {
        let name = f.py_name();
        let is_property = matches!(f.role, Role::Getter(_) | Role::Setter(_) | Role::Deleter(_));
        let clash =
            if is_property { fns.contains(&name) } else { properties.contains(&name) || !fns.insert(name.clone()) };
        if clash {
            cx.error_spanned_by(&f.ident, format!("'{name}' is already defined in this #[methods] block"));
        }
        if is_property {
            properties.insert(name);
        }
    }
}
