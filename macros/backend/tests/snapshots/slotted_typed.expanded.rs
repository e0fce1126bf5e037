// The expansion of:
// # [slots (x , y)] pub struct Point { x : f64 , y : f64 , }

pub struct Point {
    x: <f64 as ::pyslots::__private::SlotValue>::Stored,
    y: <f64 as ::pyslots::__private::SlotValue>::Stored,
    __pyslots_set: ::core::primitive::u8,
}
impl Point {
    #[doc = "A new instance with every slot set."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new(x: f64, y: f64) -> Self {
        Self {
            x: <f64 as ::pyslots::__private::SlotValue>::store(x),
            y: <f64 as ::pyslots::__private::SlotValue>::store(y),
            __pyslots_set: <::core::primitive::u8 as ::pyslots::__private::SetFlags>::all(2u32),
        }
    }
    #[doc = "Slot `x`, typed. An unset slot (deleted, or never set on a `Default` instance) is `AttributeError: 'Point' object has no attribute 'x'`."]
    #[inline]
    fn x(
        &self,
    ) -> ::pyslots::__private::Result<<f64 as ::pyslots::__private::SlotValue>::Ref<'_>, ::pyslots::__private::Error>
    {
        ::pyslots::__private::typed_ref::<f64, _>(&self.x, &self.__pyslots_set, 0u32, "Point", "x")
    }
    #[doc = "Slot `y`, typed. An unset slot (deleted, or never set on a `Default` instance) is `AttributeError: 'Point' object has no attribute 'y'`."]
    #[inline]
    fn y(
        &self,
    ) -> ::pyslots::__private::Result<<f64 as ::pyslots::__private::SlotValue>::Ref<'_>, ::pyslots::__private::Error>
    {
        ::pyslots::__private::typed_ref::<f64, _>(&self.y, &self.__pyslots_set, 1u32, "Point", "y")
    }
    #[doc = "Sets slot `x`."]
    #[inline]
    fn set_x(&mut self, __pyslots_value: f64) {
        ::pyslots::__private::set_typed::<f64, _>(&mut self.x, &mut self.__pyslots_set, 0u32, __pyslots_value)
    }
    #[doc = "Sets slot `y`."]
    #[inline]
    fn set_y(&mut self, __pyslots_value: f64) {
        ::pyslots::__private::set_typed::<f64, _>(&mut self.y, &mut self.__pyslots_set, 1u32, __pyslots_value)
    }
}
impl ::pyslots::__private::Default for Point {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self {
            x: <f64 as ::pyslots::__private::SlotValue>::vacant(),
            y: <f64 as ::pyslots::__private::SlotValue>::vacant(),
            __pyslots_set: <::core::primitive::u8 as ::pyslots::__private::Default>::default(),
        }
    }
}
impl ::pyslots::__private::ClassImpl for Point {
    const BLOCK: ::pyslots::__private::MethodBlock<Self> = {
        use ::pyslots::__private::NoMethods as _;
        Point::__PYSLOTS_BLOCK
    };
    #[inline(always)]
    fn slot_index(__pyslots_name: &::core::primitive::str) -> ::core::primitive::u32 {
        let __pyslots_bytes = ::core::primitive::str::as_bytes(__pyslots_name);
        match __pyslots_bytes.len() {
            1usize => match __pyslots_bytes[0usize] {
                120u8 => 0u32,
                121u8 => 1u32,
                _ => ::core::primitive::u32::MAX,
            },
            _ => ::core::primitive::u32::MAX,
        }
    }
    #[inline(always)]
    fn slot_read_at<__PyslotsR: ::pyslots::__private::SlotRead>(
        &self,
        __pyslots_i: ::core::primitive::u32,
    ) -> <__PyslotsR as ::pyslots::__private::SlotRead>::Out<'_> {
        match __pyslots_i {
            0u32 => <__PyslotsR as ::pyslots::__private::SlotRead>::typed::<f64, _>(&self.x, &self.__pyslots_set, 0u32),
            1u32 => <__PyslotsR as ::pyslots::__private::SlotRead>::typed::<f64, _>(&self.y, &self.__pyslots_set, 1u32),
            _ => <__PyslotsR as ::pyslots::__private::SlotRead>::not_slot(),
        }
    }
    #[inline(always)]
    fn slot_write_at<__PyslotsW: ::pyslots::__private::SlotWrite>(
        &mut self,
        __pyslots_i: ::core::primitive::u32,
        __pyslots_op: __PyslotsW,
    ) -> <__PyslotsW as ::pyslots::__private::SlotWrite>::Out {
        match __pyslots_i {
            0u32 => <__PyslotsW as ::pyslots::__private::SlotWrite>::typed::<f64, _>(
                __pyslots_op,
                &mut self.x,
                &mut self.__pyslots_set,
                0u32,
                "x",
            ),
            1u32 => <__PyslotsW as ::pyslots::__private::SlotWrite>::typed::<f64, _>(
                __pyslots_op,
                &mut self.y,
                &mut self.__pyslots_set,
                1u32,
                "y",
            ),
            _ => <__PyslotsW as ::pyslots::__private::SlotWrite>::not_slot(__pyslots_op),
        }
    }
    #[inline]
    fn visit_slots<__PyslotsV: ::pyslots::__private::SlotVisitor>(&self, __pyslots_v: &mut __PyslotsV) {
        ::pyslots::__private::SlotVisitor::typed::<f64>(__pyslots_v, &self.x);
        ::pyslots::__private::SlotVisitor::typed::<f64>(__pyslots_v, &self.y);
    }
}
impl ::pyslots::__private::PyClass for Point {
    const LAYOUT: ::pyslots::__private::Layout = ::pyslots::__private::Layout {
        name: "Point",
        module_path: ::pyslots::__private::module_path!(),
        slots: &["x", "y"],
        slot_docs: &[::pyslots::__private::None, ::pyslots::__private::None],
        class_attrs: &[],
        declared_slots: ::pyslots::__private::Some(&["x", "y"]),
        bases: &[],
        has_dict: false,
        has_weakref: false,
        size: ::pyslots::__private::size_of::<Self>(),
        frozen: false,
        methods: <Self as ::pyslots::__private::ClassImpl>::METHODS,
        method_flags: ::pyslots::__private::method_flags(<Self as ::pyslots::__private::ClassImpl>::METHODS),
        method_names: <Self as ::pyslots::__private::ClassImpl>::BLOCK.names,
    };
    type WeakRefs = ::pyslots::__private::WeakRefs<false>;
}
impl ::pyslots::__private::fmt::Debug for Point {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut ::pyslots::__private::fmt::Formatter<'_>) -> ::pyslots::__private::fmt::Result {
        ::pyslots::__private::fmt_debug(self, __pyslots_f)
    }
}
::pyslots::__private::impl_serde!(Point);
