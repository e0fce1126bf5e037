// The expansion of:
// pub struct Person { name : String , age : u32 , }

pub struct Person {
    __pyslots_dict: ::pyslots::__private::InlineValues<2usize>,
}
impl Person {
    #[doc = "A new instance whose dict holds the fields in declaration order, as `__init__` would set them: `name`, `age`."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new(name: String, age: u32) -> Self {
        Self {
            __pyslots_dict: ::pyslots::__private::InlineValues::new([
                <::pyslots::__private::Value as ::core::convert::From<String>>::from(name),
                <::pyslots::__private::Value as ::core::convert::From<u32>>::from(age),
            ]),
        }
    }
    #[doc = "Attribute `name`, read as `getattr` reads it and converted to the field's type. A deleted entry is `AttributeError: 'Person' object has no attribute 'name'`; a value of another type (set by name) is the `TypeError` a typed slot of that type gives."]
    #[inline]
    fn name(&self) -> ::pyslots::__private::Result<String, ::pyslots::__private::Error>
    where
        for<'__pyslots_a> String: ::pyslots::__private::SlotValue,
    {
        ::pyslots::__private::dict_typed::<String, Self>(self, "Person", "name")
    }
    #[doc = "Attribute `age`, read as `getattr` reads it and converted to the field's type. A deleted entry is `AttributeError: 'Person' object has no attribute 'age'`; a value of another type (set by name) is the `TypeError` a typed slot of that type gives."]
    #[inline]
    fn age(&self) -> ::pyslots::__private::Result<u32, ::pyslots::__private::Error>
    where
        for<'__pyslots_a> u32: ::pyslots::__private::SlotValue,
    {
        ::pyslots::__private::dict_typed::<u32, Self>(self, "Person", "age")
    }
    #[doc = "Sets attribute `name` in the instance dict."]
    #[inline]
    fn set_name(&mut self, __pyslots_value: String)
    where
        for<'__pyslots_a> ::pyslots::__private::Value: ::core::convert::From<String>,
    {
        ::pyslots::__private::dict_set::<Self>(
            self,
            "name",
            <::pyslots::__private::Value as ::core::convert::From<String>>::from(__pyslots_value),
        )
    }
    #[doc = "Sets attribute `age` in the instance dict."]
    #[inline]
    fn set_age(&mut self, __pyslots_value: u32)
    where
        for<'__pyslots_a> ::pyslots::__private::Value: ::core::convert::From<u32>,
    {
        ::pyslots::__private::dict_set::<Self>(
            self,
            "age",
            <::pyslots::__private::Value as ::core::convert::From<u32>>::from(__pyslots_value),
        )
    }
}
impl ::pyslots::__private::Default for Person {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self { __pyslots_dict: ::pyslots::__private::Default::default() }
    }
}
impl ::pyslots::__private::ClassImpl for Person {
    const BLOCK: ::pyslots::__private::MethodBlock<Self> = {
        use ::pyslots::__private::NoMethods as _;
        Person::__PYSLOTS_BLOCK
    };
    #[inline]
    fn dict(&self) -> ::pyslots::__private::Option<::pyslots::__private::DictView<'_>> {
        ::pyslots::__private::DictSlot::view(
            &self.__pyslots_dict,
            <Self as ::pyslots::__private::ClassImpl>::shared_keys(),
        )
    }
    #[inline]
    fn dict_mut(&mut self) -> ::pyslots::__private::Option<::pyslots::__private::DictViewMut<'_>> {
        ::pyslots::__private::DictSlot::view_mut(
            &mut self.__pyslots_dict,
            <Self as ::pyslots::__private::ClassImpl>::shared_keys(),
        )
    }
    #[inline(always)]
    fn shared_keys() -> &'static ::pyslots::__private::SharedKeys {
        static KEYS: ::pyslots::__private::SharedKeys = ::pyslots::__private::SharedKeys::new(&["name", "age"]);
        &KEYS
    }
    #[inline(always)]
    fn dict_key(
        __pyslots_name: &::core::primitive::str,
    ) -> ::pyslots::__private::Option<(&'static ::pyslots::__private::SharedKeys, ::core::primitive::usize)> {
        match __pyslots_name {
            "name" => ::pyslots::__private::Some((<Self as ::pyslots::__private::ClassImpl>::shared_keys(), 0usize)),
            "age" => ::pyslots::__private::Some((<Self as ::pyslots::__private::ClassImpl>::shared_keys(), 1usize)),
            _ => ::pyslots::__private::None,
        }
    }
}
impl ::pyslots::__private::PyClass for Person {
    const LAYOUT: ::pyslots::__private::Layout = ::pyslots::__private::Layout {
        name: "Person",
        module_path: ::pyslots::__private::module_path!(),
        slots: &[],
        slot_docs: &[],
        class_attrs: &[],
        declared_slots: ::pyslots::__private::None,
        bases: &[],
        has_dict: true,
        has_weakref: true,
        size: ::pyslots::__private::size_of::<Self>(),
        frozen: false,
        methods: <Self as ::pyslots::__private::ClassImpl>::METHODS,
        method_flags: ::pyslots::__private::method_flags(<Self as ::pyslots::__private::ClassImpl>::METHODS),
        method_names: <Self as ::pyslots::__private::ClassImpl>::BLOCK.names,
    };
    type WeakRefs = ::pyslots::__private::WeakRefs<true>;
}
impl ::pyslots::__private::fmt::Debug for Person {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut ::pyslots::__private::fmt::Formatter<'_>) -> ::pyslots::__private::fmt::Result {
        ::pyslots::__private::fmt_debug(self, __pyslots_f)
    }
}
::pyslots::__private::impl_serde!(Person);
