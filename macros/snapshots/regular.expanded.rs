// The expansion of:
// pub struct Person { name : String , age : u32 , }

pub struct Person {
    __pyslots_dict: ::pyslots::__private::Dict,
}
impl Person {
    #[doc = "A new instance whose dict holds the fields in declaration order, as `__init__` would set them: `name`, `age`."]
    #[allow(clippy::too_many_arguments)]
    pub fn new(name: String, age: u32) -> Self {
        let __pyslots_this = Self {
            __pyslots_dict: ::pyslots::__private::Dict::from_shared_array(
                <Self as ::pyslots::__private::ClassImpl>::shared_keys(),
                [
                    <::pyslots::__private::Value as ::core::convert::From<String>>::from(name),
                    <::pyslots::__private::Value as ::core::convert::From<u32>>::from(age),
                ],
            ),
        };
        __pyslots_this
    }
}
impl ::pyslots::__private::Default for Person {
    #[doc = r" An instance with an empty dict, as `object.__new__` makes it."]
    fn default() -> Self {
        Self {
            __pyslots_dict: ::pyslots::__private::Dict::with_keys(
                <Self as ::pyslots::__private::ClassImpl>::shared_keys(),
            ),
        }
    }
}
impl ::pyslots::__private::ClassImpl for Person {
    #[inline(always)]
    fn slot_get(&self, __pyslots_name: &::core::primitive::str) -> ::pyslots::__private::SlotGet {
        ::pyslots::__private::SlotGet::NotSlot
    }
    #[inline(always)]
    fn slot_set(
        &mut self,
        __pyslots_name: &::core::primitive::str,
        __pyslots_value: ::pyslots::__private::Value,
        __pyslots_cls: &'static ::core::primitive::str,
    ) -> ::pyslots::__private::Result<::pyslots::__private::SlotSet, ::pyslots::__private::Error> {
        let _ = (__pyslots_name, __pyslots_cls);
        ::pyslots::__private::Ok(::pyslots::__private::SlotSet::NotSlot(__pyslots_value))
    }
    #[inline(always)]
    fn slot_del(&mut self, __pyslots_name: &::core::primitive::str) -> ::pyslots::__private::SlotDel {
        ::pyslots::__private::SlotDel::NotSlot
    }
    #[inline]
    fn instance_dict(&self) -> ::pyslots::__private::Option<&::pyslots::__private::Dict> {
        if let ::pyslots::__private::Some(__pyslots_d) = ::pyslots::__private::DictStorage::get(&self.__pyslots_dict) {
            return ::pyslots::__private::Some(__pyslots_d);
        }
        ::pyslots::__private::None
    }
    #[inline]
    fn instance_dict_mut(&mut self) -> ::pyslots::__private::Option<&mut ::pyslots::__private::Dict> {
        if ::pyslots::__private::Option::is_some(&::pyslots::__private::DictStorage::get(&self.__pyslots_dict)) {
            return ::pyslots::__private::DictStorage::get_mut(&mut self.__pyslots_dict);
        }
        ::pyslots::__private::None
    }
    fn owned_heap_size(&self) -> ::core::primitive::usize {
        ::pyslots::__private::Option::map_or(
            ::pyslots::__private::DictStorage::get(&self.__pyslots_dict),
            0,
            ::pyslots::__private::Dict::heap_size,
        )
    }
    #[inline(always)]
    fn shared_keys() -> &'static ::pyslots::__private::SharedKeys {
        static KEYS: ::pyslots::__private::SharedKeys = ::pyslots::__private::SharedKeys { names: &["name", "age"] };
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
        declared_slots: ::pyslots::__private::None,
        bases: &[],
        has_dict: true,
        has_weakref: true,
        size: ::pyslots::__private::size_of::<Self>(),
    };
    type WeakRefs = ::pyslots::__private::WeakRefs<{ true }>;
}
impl ::pyslots::__private::Object for Person {
    #[inline]
    fn type_name(&self) -> &'static ::core::primitive::str {
        "Person"
    }
    #[inline]
    fn getattr(
        &self,
        __pyslots_name: &::core::primitive::str,
    ) -> ::pyslots::__private::Result<::pyslots::__private::Value, ::pyslots::__private::Error> {
        ::pyslots::__private::getattr(self, __pyslots_name)
    }
    #[inline]
    fn setattr(
        &mut self,
        __pyslots_name: &::core::primitive::str,
        __pyslots_value: ::pyslots::__private::Value,
    ) -> ::pyslots::__private::Result<(), ::pyslots::__private::Error> {
        ::pyslots::__private::setattr(self, __pyslots_name, __pyslots_value)
    }
    #[inline]
    fn delattr(
        &mut self,
        __pyslots_name: &::core::primitive::str,
    ) -> ::pyslots::__private::Result<(), ::pyslots::__private::Error> {
        ::pyslots::__private::delattr(self, __pyslots_name)
    }
    #[inline]
    fn hasattr(&self, __pyslots_name: &::core::primitive::str) -> ::core::primitive::bool {
        ::pyslots::__private::hasattr(self, __pyslots_name)
    }
    fn dir(&self) -> ::pyslots::__private::Vec<::pyslots::__private::String> {
        ::pyslots::__private::dir(self)
    }
    #[inline]
    fn dict(&self) -> ::pyslots::__private::Option<&::pyslots::__private::Dict> {
        ::pyslots::__private::ClassImpl::instance_dict(self)
    }
    #[inline]
    fn dict_mut(&mut self) -> ::pyslots::__private::Option<&mut ::pyslots::__private::Dict> {
        ::pyslots::__private::ClassImpl::instance_dict_mut(self)
    }
    #[inline]
    fn layout(&self) -> &'static ::pyslots::__private::Layout {
        &<Self as ::pyslots::__private::PyClass>::LAYOUT
    }
    fn heap_size(&self) -> ::core::primitive::usize {
        ::pyslots::__private::ClassImpl::owned_heap_size(self)
    }
}
impl ::pyslots::__private::fmt::Debug for Person {
    fn fmt(&self, __pyslots_f: &mut ::pyslots::__private::fmt::Formatter<'_>) -> ::pyslots::__private::fmt::Result {
        ::pyslots::__private::debug(self, __pyslots_f)
    }
}
