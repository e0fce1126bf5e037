// The expansion of:
// # [slots (breed)] pub struct Dog { breed : String , }

pub struct Dog {
    __pyslots_base: Animal,
    breed: <String as ::pyslots::__private::SlotValue>::Stored,
    __pyslots_set: ::core::primitive::u8,
}
impl Dog {
    #[doc = "A new instance with every slot set. This class's own fields only: the bases start as `Default` makes them (every slot unset, as `object.__new__` leaves what `__init__` does not set); `with_base` takes the stored base's instance."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new(breed: String) -> Self {
        Self {
            __pyslots_base: ::pyslots::__private::Default::default(),
            breed: <String as ::pyslots::__private::SlotValue>::store(breed),
            __pyslots_set: <::core::primitive::u8 as ::pyslots::__private::SetFlags>::all(1u32),
        }
    }
    #[doc = "A new instance with every slot set. The stored base's instance first (`animal`; with several bases, the one CPython lays the instance out over, `Layout::best_base`), then this class's own fields; `new` starts the base as `Default` makes it."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn with_base(animal: Animal, breed: String) -> Self {
        Self {
            __pyslots_base: animal,
            breed: <String as ::pyslots::__private::SlotValue>::store(breed),
            __pyslots_set: <::core::primitive::u8 as ::pyslots::__private::SetFlags>::all(1u32),
        }
    }
    #[doc = "Slot `breed`, typed. An unset slot (deleted, or never set on a `Default` instance) is `AttributeError: 'Dog' object has no attribute 'breed'`."]
    #[inline]
    fn breed(
        &self,
    ) -> ::pyslots::__private::Result<<String as ::pyslots::__private::SlotValue>::Ref<'_>, ::pyslots::__private::Error>
    {
        ::pyslots::__private::typed_ref::<String, _>(&self.breed, &self.__pyslots_set, 0u32, "Dog", "breed")
    }
    #[doc = "Sets slot `breed`."]
    #[inline]
    fn set_breed(&mut self, __pyslots_value: String) {
        ::pyslots::__private::set_typed::<String, _>(&mut self.breed, &mut self.__pyslots_set, 0u32, __pyslots_value)
    }
}
impl ::pyslots::__private::Default for Dog {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self {
            __pyslots_base: ::pyslots::__private::Default::default(),
            breed: <String as ::pyslots::__private::SlotValue>::vacant(),
            __pyslots_set: <::core::primitive::u8 as ::pyslots::__private::Default>::default(),
        }
    }
}
impl ::pyslots::__private::ClassImpl for Dog {
    const BLOCK: ::pyslots::__private::MethodBlock<Self> = {
        use ::pyslots::__private::NoMethods as _;
        Dog::__PYSLOTS_BLOCK
    };
    #[inline(always)]
    fn slot_index(__pyslots_name: &::core::primitive::str) -> ::core::primitive::u32 {
        let __pyslots_i = {
            let __pyslots_bytes = ::core::primitive::str::as_bytes(__pyslots_name);
            match __pyslots_bytes.len() {
                5usize => match __pyslots_bytes[0usize] {
                    98u8 if __pyslots_bytes == b"breed" => 0u32,
                    _ => ::core::primitive::u32::MAX,
                },
                _ => ::core::primitive::u32::MAX,
            }
        };
        if __pyslots_i != ::core::primitive::u32::MAX {
            return __pyslots_i;
        }
        if !::core::matches!(
            <Self as ::pyslots::__private::ClassImpl>::own_named(__pyslots_name),
            ::pyslots::__private::Named::Nothing
        ) {
            return ::pyslots::__private::HIDDEN;
        }
        let __pyslots_i = <Animal as ::pyslots::__private::ClassImpl>::slot_index(__pyslots_name);
        if __pyslots_i == ::core::primitive::u32::MAX || __pyslots_i == ::pyslots::__private::HIDDEN {
            __pyslots_i
        } else {
            1u32 + __pyslots_i
        }
    }
    #[inline(always)]
    fn slot_read_at<__PyslotsR: ::pyslots::__private::SlotRead>(
        &self,
        __pyslots_i: ::core::primitive::u32,
    ) -> <__PyslotsR as ::pyslots::__private::SlotRead>::Out<'_> {
        match __pyslots_i {
            0u32 => <__PyslotsR as ::pyslots::__private::SlotRead>::typed::<String, _>(
                &self.breed,
                &self.__pyslots_set,
                0u32,
            ),
            _ => {
                let __pyslots_i = __pyslots_i - 1u32;
                ::pyslots::__private::ClassImpl::slot_read_at::<__PyslotsR>(&self.__pyslots_base, __pyslots_i)
            }
        }
    }
    #[inline(always)]
    fn slot_write_at<__PyslotsW: ::pyslots::__private::SlotWrite>(
        &mut self,
        __pyslots_i: ::core::primitive::u32,
        __pyslots_op: __PyslotsW,
    ) -> <__PyslotsW as ::pyslots::__private::SlotWrite>::Out {
        match __pyslots_i {
            0u32 => <__PyslotsW as ::pyslots::__private::SlotWrite>::typed::<String, _>(
                __pyslots_op,
                &mut self.breed,
                &mut self.__pyslots_set,
                0u32,
                "breed",
            ),
            _ => {
                let __pyslots_i = __pyslots_i - 1u32;
                ::pyslots::__private::ClassImpl::slot_write_at(&mut self.__pyslots_base, __pyslots_i, __pyslots_op)
            }
        }
    }
    #[inline]
    fn dict(&self) -> ::pyslots::__private::Option<::pyslots::__private::DictView<'_>> {
        ::pyslots::__private::ClassImpl::dict(&self.__pyslots_base)
    }
    #[inline]
    fn dict_mut(&mut self) -> ::pyslots::__private::Option<::pyslots::__private::DictViewMut<'_>> {
        ::pyslots::__private::ClassImpl::dict_mut(&mut self.__pyslots_base)
    }
    #[inline]
    fn visit_slots<__PyslotsV: ::pyslots::__private::SlotVisitor>(&self, __pyslots_v: &mut __PyslotsV) {
        ::pyslots::__private::SlotVisitor::typed::<String>(__pyslots_v, &self.breed);
        ::pyslots::__private::ClassImpl::visit_slots(&self.__pyslots_base, __pyslots_v);
    }
    #[inline]
    fn stored_base(&self) -> ::pyslots::__private::Option<&dyn ::pyslots::__private::Object> {
        ::pyslots::__private::Some(&self.__pyslots_base)
    }
    #[inline]
    fn stored_base_mut(&mut self) -> ::pyslots::__private::Option<&mut dyn ::pyslots::__private::Object> {
        ::pyslots::__private::Some(&mut self.__pyslots_base)
    }
}
impl ::pyslots::__private::PyClass for Dog {
    const LAYOUT: ::pyslots::__private::Layout = ::pyslots::__private::Layout {
        name: "Dog",
        module_path: ::pyslots::__private::module_path!(),
        slots: &["breed"],
        slot_docs: &[::pyslots::__private::None],
        class_attrs: &[],
        declared_slots: ::pyslots::__private::Some(&["breed"]),
        bases: &[&<Animal as ::pyslots::__private::PyClass>::LAYOUT],
        has_dict: ::pyslots::__private::any_has_dict(&[&<Animal as ::pyslots::__private::PyClass>::LAYOUT]),
        has_weakref: ::pyslots::__private::any_has_weakref(&[&<Animal as ::pyslots::__private::PyClass>::LAYOUT]),
        size: ::pyslots::__private::size_of::<Self>(),
        frozen: false,
        methods: <Self as ::pyslots::__private::ClassImpl>::METHODS,
        method_flags: ::pyslots::__private::method_flags(<Self as ::pyslots::__private::ClassImpl>::METHODS),
        method_names: <Self as ::pyslots::__private::ClassImpl>::BLOCK.names,
    };
    type WeakRefs = ::pyslots::__private::WeakRefs<
        { ::pyslots::__private::any_has_weakref(&[&<Animal as ::pyslots::__private::PyClass>::LAYOUT]) },
    >;
}
impl ::pyslots::__private::fmt::Debug for Dog {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut ::pyslots::__private::fmt::Formatter<'_>) -> ::pyslots::__private::fmt::Result {
        ::pyslots::__private::fmt_debug(self, __pyslots_f)
    }
}
::pyslots::__private::impl_serde!(Dog);
impl ::core::ops::Deref for Dog {
    type Target = Animal;
    #[inline]
    fn deref(&self) -> &Animal {
        &self.__pyslots_base
    }
}
impl ::core::ops::DerefMut for Dog {
    #[inline]
    fn deref_mut(&mut self) -> &mut Animal {
        &mut self.__pyslots_base
    }
}
impl<__PyslotsB> ::pyslots::__private::Embeds<__PyslotsB> for Dog
where
    Animal: ::pyslots::__private::Embeds<__PyslotsB>,
{
    #[inline(always)]
    fn embedded(&self) -> &__PyslotsB {
        <Animal as ::pyslots::__private::Embeds<__PyslotsB>>::embedded(&self.__pyslots_base)
    }
    #[inline(always)]
    fn embedded_mut(&mut self) -> &mut __PyslotsB {
        <Animal as ::pyslots::__private::Embeds<__PyslotsB>>::embedded_mut(&mut self.__pyslots_base)
    }
}
impl<__PyslotsB> ::core::convert::AsRef<__PyslotsB> for Dog
where
    Animal: ::pyslots::__private::Embeds<__PyslotsB>,
{
    #[inline]
    fn as_ref(&self) -> &__PyslotsB {
        <Animal as ::pyslots::__private::Embeds<__PyslotsB>>::embedded(&self.__pyslots_base)
    }
}
impl<__PyslotsB> ::core::convert::AsMut<__PyslotsB> for Dog
where
    Animal: ::pyslots::__private::Embeds<__PyslotsB>,
{
    #[inline]
    fn as_mut(&mut self) -> &mut __PyslotsB {
        <Animal as ::pyslots::__private::Embeds<__PyslotsB>>::embedded_mut(&mut self.__pyslots_base)
    }
}
const _: () = ::core::assert!(
    !::pyslots::__private::any_frozen(&[&<Animal as ::pyslots::__private::PyClass>::LAYOUT]),
    "cannot inherit non-frozen dataclass from a frozen one"
);
const _ : () = :: core :: assert ! (! :: pyslots :: __private :: any_has_slot (& [& < Animal as :: pyslots :: __private :: PyClass > :: LAYOUT] , "breed") , "'breed' is already a slot of a base class: don't repeat parent slots (CPython would keep both, wasting the parent's); remove it from this class") ;
