// The expansion of:
// # [slots (breed)] pub struct Dog { breed : String , }

#[allow(unused_imports)]
use ::pyslots::__private as __pyslots_Dog;
pub struct Dog {
    __pyslots_base: Animal,
    breed: <String as ::pyslots::__private::SlotValue>::Stored,
    __pyslots_set: __pyslots_Dog::u8,
}
impl Dog {
    #[doc = "A new instance with every slot set. This class's own fields only: the bases start as `Default` makes them (every slot unset, as `object.__new__` leaves what `__init__` does not set); `with_base` takes the stored base's instance."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new(breed: String) -> Self {
        Self {
            __pyslots_base: __pyslots_Dog::Default::default(),
            breed: <String as __pyslots_Dog::SlotValue>::store(breed),
            __pyslots_set: <__pyslots_Dog::u8 as __pyslots_Dog::SetFlags>::all(1u32),
        }
    }
    #[doc = "A new instance with every slot set. The stored base's instance first (`animal`; with several bases, the one CPython lays the instance out over, `Layout::best_base`), then this class's own fields; `new` starts the base as `Default` makes it."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn with_base(animal: Animal, breed: String) -> Self {
        Self {
            __pyslots_base: animal,
            breed: <String as __pyslots_Dog::SlotValue>::store(breed),
            __pyslots_set: <__pyslots_Dog::u8 as __pyslots_Dog::SetFlags>::all(1u32),
        }
    }
    #[doc = "Slot `breed`, typed. An unset slot (deleted, or never set on a `Default` instance) is `AttributeError: 'Dog' object has no attribute 'breed'`."]
    #[inline]
    fn breed(&self) -> __pyslots_Dog::Result<<String as __pyslots_Dog::SlotValue>::Ref<'_>, __pyslots_Dog::Error> {
        __pyslots_Dog::typed_ref::<String, _>(&self.breed, &self.__pyslots_set, 0u32, "Dog", "breed")
    }
    #[doc = "Sets slot `breed`."]
    #[inline]
    fn set_breed(&mut self, __pyslots_value: String) {
        __pyslots_Dog::set_typed::<String, _>(&mut self.breed, &mut self.__pyslots_set, 0u32, __pyslots_value)
    }
}
impl __pyslots_Dog::Default for Dog {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self {
            __pyslots_base: __pyslots_Dog::Default::default(),
            breed: <String as __pyslots_Dog::SlotValue>::vacant(),
            __pyslots_set: <__pyslots_Dog::u8 as __pyslots_Dog::Default>::default(),
        }
    }
}
impl __pyslots_Dog::ClassImpl for Dog {
    const BLOCK: __pyslots_Dog::MethodBlock<Self> = {
        use __pyslots_Dog::NoMethods as _;
        Dog::__PYSLOTS_BLOCK
    };
    #[inline(always)]
    fn slot_index(__pyslots_name: &__pyslots_Dog::str) -> __pyslots_Dog::u32 {
        let __pyslots_i = {
            let __pyslots_bytes = __pyslots_Dog::str::as_bytes(__pyslots_name);
            match __pyslots_bytes.len() {
                5usize => match __pyslots_bytes[0usize] {
                    98u8 if __pyslots_bytes == b"breed" => 0u32,
                    _ => __pyslots_Dog::u32::MAX,
                },
                _ => __pyslots_Dog::u32::MAX,
            }
        };
        if __pyslots_i != __pyslots_Dog::u32::MAX {
            return __pyslots_i;
        }
        if !::core::matches!(
            <Self as __pyslots_Dog::ClassImpl>::own_named(__pyslots_name),
            __pyslots_Dog::Named::Nothing
        ) {
            return __pyslots_Dog::HIDDEN;
        }
        let __pyslots_i = <Animal as __pyslots_Dog::ClassImpl>::slot_index(__pyslots_name);
        if __pyslots_i == __pyslots_Dog::u32::MAX || __pyslots_i == __pyslots_Dog::HIDDEN {
            __pyslots_i
        } else {
            1u32 + __pyslots_i
        }
    }
    #[inline(always)]
    fn slot_read_at<__PyslotsR: __pyslots_Dog::SlotRead>(
        &self,
        __pyslots_i: __pyslots_Dog::u32,
        __pyslots_r: __PyslotsR,
    ) -> __PyslotsR::Out<'_> {
        match __pyslots_i {
            0u32 => __PyslotsR::typed::<String, _>(__pyslots_r, &self.breed, &self.__pyslots_set, 0u32),
            _ => {
                let __pyslots_i = __pyslots_i - 1u32;
                __pyslots_Dog::ClassImpl::slot_read_at(&self.__pyslots_base, __pyslots_i, __pyslots_r)
            }
        }
    }
    #[inline(always)]
    fn slot_write_at<__PyslotsW: __pyslots_Dog::SlotWrite>(
        &mut self,
        __pyslots_i: __pyslots_Dog::u32,
        __pyslots_op: __PyslotsW,
    ) -> __PyslotsW::Out {
        match __pyslots_i {
            0u32 => {
                __PyslotsW::typed::<String, _>(__pyslots_op, &mut self.breed, &mut self.__pyslots_set, 0u32, "breed")
            }
            _ => {
                let __pyslots_i = __pyslots_i - 1u32;
                __pyslots_Dog::ClassImpl::slot_write_at(&mut self.__pyslots_base, __pyslots_i, __pyslots_op)
            }
        }
    }
    const STORED: __pyslots_Dog::Option<__pyslots_Dog::StoredAccess<Self>> =
        __pyslots_Dog::Some(__pyslots_Dog::StoredAccess::VIA_DEREF);
    const CLASS_LAYOUT: __pyslots_Dog::Layout = __pyslots_Dog::class_layout::<Self>(__pyslots_Dog::Layout {
        name: "Dog",
        module_path: __pyslots_Dog::module_path!(),
        slots: &["breed"],
        declared_slots: __pyslots_Dog::Some(&[]),
        bases: <(Animal,) as __pyslots_Dog::Bases>::LIST,
        has_dict: __pyslots_Dog::any_has_dict(<(Animal,) as __pyslots_Dog::Bases>::LIST),
        has_weakref: __pyslots_Dog::any_has_weakref(<(Animal,) as __pyslots_Dog::Bases>::LIST),
        ..__pyslots_Dog::LAYOUT_UNSET
    });
    type ClassWeakRefs = <Animal as __pyslots_Dog::PyClass>::WeakRefs;
}
impl __pyslots_Dog::fmt::Debug for Dog {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut __pyslots_Dog::fmt::Formatter<'_>) -> __pyslots_Dog::fmt::Result {
        __pyslots_Dog::fmt_debug(self, __pyslots_f)
    }
}
__pyslots_Dog::impl_serde!(Dog);
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
impl<__PyslotsB> __pyslots_Dog::Embeds<__PyslotsB> for Dog
where
    Animal: __pyslots_Dog::Embeds<__PyslotsB>,
{
    #[inline(always)]
    fn embedded(&self) -> &__PyslotsB {
        <Animal as __pyslots_Dog::Embeds<__PyslotsB>>::embedded(&self.__pyslots_base)
    }
    #[inline(always)]
    fn embedded_mut(&mut self) -> &mut __PyslotsB {
        <Animal as __pyslots_Dog::Embeds<__PyslotsB>>::embedded_mut(&mut self.__pyslots_base)
    }
}
impl<__PyslotsB> ::core::convert::AsRef<__PyslotsB> for Dog
where
    Animal: __pyslots_Dog::Embeds<__PyslotsB>,
{
    #[inline]
    fn as_ref(&self) -> &__PyslotsB {
        <Animal as __pyslots_Dog::Embeds<__PyslotsB>>::embedded(&self.__pyslots_base)
    }
}
impl<__PyslotsB> ::core::convert::AsMut<__PyslotsB> for Dog
where
    Animal: __pyslots_Dog::Embeds<__PyslotsB>,
{
    #[inline]
    fn as_mut(&mut self) -> &mut __PyslotsB {
        <Animal as __pyslots_Dog::Embeds<__PyslotsB>>::embedded_mut(&mut self.__pyslots_base)
    }
}
const _: () = __pyslots_Dog::base_rule(
    !__pyslots_Dog::any_frozen(<(Animal,) as __pyslots_Dog::Bases>::LIST),
    "cannot inherit non-frozen dataclass from a frozen one",
);
const _ : () = __pyslots_Dog :: base_rule (! __pyslots_Dog :: any_has_slot (< (Animal ,) as __pyslots_Dog :: Bases > :: LIST , "breed") , "'breed' is already a slot of a base class: don't repeat parent slots (CPython would keep both, wasting the parent's); remove it from this class") ;
