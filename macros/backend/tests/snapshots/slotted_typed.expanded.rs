// The expansion of:
// # [slots (x , y)] pub struct Point { x : f64 , y : f64 , }

#[allow(unused_imports)]
use ::pyslots::__private as __pyslots_Point;
pub struct Point {
    x: <f64 as ::pyslots::__private::SlotValue>::Stored,
    y: <f64 as ::pyslots::__private::SlotValue>::Stored,
    __pyslots_set: __pyslots_Point::u8,
}
impl Point {
    #[doc = "A new instance with every slot set."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new(x: f64, y: f64) -> Self {
        Self {
            x: <f64 as __pyslots_Point::SlotValue>::store(x),
            y: <f64 as __pyslots_Point::SlotValue>::store(y),
            __pyslots_set: <__pyslots_Point::u8 as __pyslots_Point::SetFlags>::all(2u32),
        }
    }
    #[doc = "Slot `x`, typed. An unset slot (deleted, or never set on a `Default` instance) is `AttributeError: 'Point' object has no attribute 'x'`."]
    #[inline]
    fn x(&self) -> __pyslots_Point::Result<<f64 as __pyslots_Point::SlotValue>::Ref<'_>, __pyslots_Point::Error> {
        __pyslots_Point::typed_ref::<f64, _>(&self.x, &self.__pyslots_set, 0u32, "Point", "x")
    }
    #[doc = "Slot `y`, typed. An unset slot (deleted, or never set on a `Default` instance) is `AttributeError: 'Point' object has no attribute 'y'`."]
    #[inline]
    fn y(&self) -> __pyslots_Point::Result<<f64 as __pyslots_Point::SlotValue>::Ref<'_>, __pyslots_Point::Error> {
        __pyslots_Point::typed_ref::<f64, _>(&self.y, &self.__pyslots_set, 1u32, "Point", "y")
    }
    #[doc = "Sets slot `x`."]
    #[inline]
    fn set_x(&mut self, __pyslots_value: f64) {
        __pyslots_Point::set_typed::<f64, _>(&mut self.x, &mut self.__pyslots_set, 0u32, __pyslots_value)
    }
    #[doc = "Sets slot `y`."]
    #[inline]
    fn set_y(&mut self, __pyslots_value: f64) {
        __pyslots_Point::set_typed::<f64, _>(&mut self.y, &mut self.__pyslots_set, 1u32, __pyslots_value)
    }
}
impl __pyslots_Point::Default for Point {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self {
            x: <f64 as __pyslots_Point::SlotValue>::vacant(),
            y: <f64 as __pyslots_Point::SlotValue>::vacant(),
            __pyslots_set: <__pyslots_Point::u8 as __pyslots_Point::Default>::default(),
        }
    }
}
impl __pyslots_Point::ClassImpl for Point {
    const BLOCK: __pyslots_Point::MethodBlock<Self> = {
        use __pyslots_Point::NoMethods as _;
        Point::__PYSLOTS_BLOCK
    };
    #[inline(always)]
    fn slot_index(__pyslots_name: &__pyslots_Point::str) -> __pyslots_Point::u32 {
        let __pyslots_bytes = __pyslots_Point::str::as_bytes(__pyslots_name);
        match __pyslots_bytes.len() {
            1usize => match __pyslots_bytes[0usize] {
                120u8 => 0u32,
                121u8 => 1u32,
                _ => __pyslots_Point::u32::MAX,
            },
            _ => __pyslots_Point::u32::MAX,
        }
    }
    #[inline(always)]
    fn slot_read_at<__PyslotsR: __pyslots_Point::SlotRead>(
        &self,
        __pyslots_i: __pyslots_Point::u32,
        __pyslots_r: __PyslotsR,
    ) -> __PyslotsR::Out<'_> {
        match __pyslots_i {
            0u32 => __PyslotsR::typed::<f64, _>(__pyslots_r, &self.x, &self.__pyslots_set, 0u32),
            1u32 => __PyslotsR::typed::<f64, _>(__pyslots_r, &self.y, &self.__pyslots_set, 1u32),
            _ => __PyslotsR::not_slot(__pyslots_r),
        }
    }
    #[inline(always)]
    fn slot_write_at<__PyslotsW: __pyslots_Point::SlotWrite>(
        &mut self,
        __pyslots_i: __pyslots_Point::u32,
        __pyslots_op: __PyslotsW,
    ) -> __PyslotsW::Out {
        match __pyslots_i {
            0u32 => __PyslotsW::typed::<f64, _>(__pyslots_op, &mut self.x, &mut self.__pyslots_set, 0u32, "x"),
            1u32 => __PyslotsW::typed::<f64, _>(__pyslots_op, &mut self.y, &mut self.__pyslots_set, 1u32, "y"),
            _ => __PyslotsW::not_slot(__pyslots_op),
        }
    }
    const CLASS_LAYOUT: __pyslots_Point::Layout = __pyslots_Point::class_layout::<Self>(__pyslots_Point::Layout {
        name: "Point",
        module_path: __pyslots_Point::module_path!(),
        slots: &["x", "y"],
        declared_slots: __pyslots_Point::Some(&[]),
        ..__pyslots_Point::LAYOUT_UNSET
    });
    type ClassWeakRefs = __pyslots_Point::WeakRefs<false>;
}
impl __pyslots_Point::fmt::Debug for Point {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut __pyslots_Point::fmt::Formatter<'_>) -> __pyslots_Point::fmt::Result {
        __pyslots_Point::fmt_debug(self, __pyslots_f)
    }
}
__pyslots_Point::impl_serde!(Point);
