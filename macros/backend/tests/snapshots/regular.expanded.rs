// The expansion of:
// pub struct Person { name : String , age : u32 , }

#[allow(unused_imports)]
use ::pyslots::__private as __pyslots_Person;
pub struct Person {
    __pyslots_dict: __pyslots_Person::InlineValues<2usize>,
}
impl Person {
    #[doc = "A new instance whose dict holds the fields in declaration order, as `__init__` would set them: `name`, `age`."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new(name: String, age: u32) -> Self {
        Self {
            __pyslots_dict: __pyslots_Person::InlineValues::new([
                <::pyslots::__private::Value as ::core::convert::From<String>>::from(name),
                <::pyslots::__private::Value as ::core::convert::From<u32>>::from(age),
            ]),
        }
    }
    #[doc = "Attribute `name`, read as `getattr` reads it and converted to the field's type. A deleted entry is `AttributeError: 'Person' object has no attribute 'name'`; a value of another type (set by name) is the `TypeError` a typed slot of that type gives."]
    #[inline]
    fn name(&self) -> __pyslots_Person::Result<String, __pyslots_Person::Error>
    where
        for<'__pyslots_a> String: __pyslots_Person::SlotValue,
    {
        __pyslots_Person::dict_typed::<String, Self>(self, "Person", "name")
    }
    #[doc = "Attribute `age`, read as `getattr` reads it and converted to the field's type. A deleted entry is `AttributeError: 'Person' object has no attribute 'age'`; a value of another type (set by name) is the `TypeError` a typed slot of that type gives."]
    #[inline]
    fn age(&self) -> __pyslots_Person::Result<u32, __pyslots_Person::Error>
    where
        for<'__pyslots_a> u32: __pyslots_Person::SlotValue,
    {
        __pyslots_Person::dict_typed::<u32, Self>(self, "Person", "age")
    }
    #[doc = "Sets attribute `name` in the instance dict."]
    #[inline]
    fn set_name(&mut self, __pyslots_value: String)
    where
        for<'__pyslots_a> __pyslots_Person::Value: ::core::convert::From<String>,
    {
        __pyslots_Person::dict_set::<Self>(
            self,
            "name",
            <__pyslots_Person::Value as ::core::convert::From<String>>::from(__pyslots_value),
        )
    }
    #[doc = "Sets attribute `age` in the instance dict."]
    #[inline]
    fn set_age(&mut self, __pyslots_value: u32)
    where
        for<'__pyslots_a> __pyslots_Person::Value: ::core::convert::From<u32>,
    {
        __pyslots_Person::dict_set::<Self>(
            self,
            "age",
            <__pyslots_Person::Value as ::core::convert::From<u32>>::from(__pyslots_value),
        )
    }
}
impl __pyslots_Person::Default for Person {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self { __pyslots_dict: __pyslots_Person::Default::default() }
    }
}
impl __pyslots_Person::ClassImpl for Person {
    const BLOCK: __pyslots_Person::MethodBlock<Self> = {
        use __pyslots_Person::NoMethods as _;
        Person::__PYSLOTS_BLOCK
    };
    #[inline]
    fn dict(&self) -> __pyslots_Person::Option<__pyslots_Person::DictView<'_>> {
        __pyslots_Person::DictSlot::view(&self.__pyslots_dict, <Self as __pyslots_Person::ClassImpl>::shared_keys())
    }
    #[inline]
    fn dict_mut(&mut self) -> __pyslots_Person::Option<__pyslots_Person::DictViewMut<'_>> {
        __pyslots_Person::DictSlot::view_mut(
            &mut self.__pyslots_dict,
            <Self as __pyslots_Person::ClassImpl>::shared_keys(),
        )
    }
    #[inline(always)]
    fn shared_keys() -> &'static __pyslots_Person::SharedKeys {
        static KEYS: __pyslots_Person::SharedKeys = __pyslots_Person::SharedKeys::new(&["name", "age"]);
        &KEYS
    }
    #[inline(always)]
    fn dict_key(
        __pyslots_name: &__pyslots_Person::str,
    ) -> __pyslots_Person::Option<(&'static __pyslots_Person::SharedKeys, __pyslots_Person::usize)> {
        match __pyslots_name {
            "name" => __pyslots_Person::Some((<Self as __pyslots_Person::ClassImpl>::shared_keys(), 0usize)),
            "age" => __pyslots_Person::Some((<Self as __pyslots_Person::ClassImpl>::shared_keys(), 1usize)),
            _ => __pyslots_Person::None,
        }
    }
    const CLASS_LAYOUT: __pyslots_Person::Layout = __pyslots_Person::class_layout::<Self>(__pyslots_Person::Layout {
        name: "Person",
        module_path: __pyslots_Person::module_path!(),
        has_dict: true,
        has_weakref: true,
        ..__pyslots_Person::LAYOUT_UNSET
    });
    type ClassWeakRefs = __pyslots_Person::WeakRefs<true>;
}
impl __pyslots_Person::fmt::Debug for Person {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut __pyslots_Person::fmt::Formatter<'_>) -> __pyslots_Person::fmt::Result {
        __pyslots_Person::fmt_debug(self, __pyslots_f)
    }
}
__pyslots_Person::impl_serde!(Person);
