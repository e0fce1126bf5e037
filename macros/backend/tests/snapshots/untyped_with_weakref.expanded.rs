// The expansion of:
// # [slots (a , b , __weakref__)] pub struct Node ;

pub struct Node {
    __pyslots_u0: ::pyslots::__private::Option<::pyslots::__private::Value>,
    __pyslots_u1: ::pyslots::__private::Option<::pyslots::__private::Value>,
}
impl Node {
    #[doc = "A new instance; every slot starts unset."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new() -> Self {
        Self { __pyslots_u0: ::pyslots::__private::None, __pyslots_u1: ::pyslots::__private::None }
    }
}
impl ::pyslots::__private::Default for Node {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self { __pyslots_u0: ::pyslots::__private::None, __pyslots_u1: ::pyslots::__private::None }
    }
}
impl ::pyslots::__private::ClassImpl for Node {
    const BLOCK: ::pyslots::__private::MethodBlock<Self> = {
        use ::pyslots::__private::NoMethods as _;
        Node::__PYSLOTS_BLOCK
    };
    #[inline(always)]
    fn slot_index(__pyslots_name: &::core::primitive::str) -> ::core::primitive::u32 {
        let __pyslots_bytes = ::core::primitive::str::as_bytes(__pyslots_name);
        match __pyslots_bytes.len() {
            1usize => match __pyslots_bytes[0usize] {
                97u8 => 0u32,
                98u8 => 1u32,
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
            0u32 => <__PyslotsR as ::pyslots::__private::SlotRead>::untyped(&self.__pyslots_u0),
            1u32 => <__PyslotsR as ::pyslots::__private::SlotRead>::untyped(&self.__pyslots_u1),
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
            0u32 => <__PyslotsW as ::pyslots::__private::SlotWrite>::untyped(__pyslots_op, &mut self.__pyslots_u0),
            1u32 => <__PyslotsW as ::pyslots::__private::SlotWrite>::untyped(__pyslots_op, &mut self.__pyslots_u1),
            _ => <__PyslotsW as ::pyslots::__private::SlotWrite>::not_slot(__pyslots_op),
        }
    }
    #[inline]
    fn visit_slots<__PyslotsV: ::pyslots::__private::SlotVisitor>(&self, __pyslots_v: &mut __PyslotsV) {
        ::pyslots::__private::SlotVisitor::untyped(__pyslots_v, &self.__pyslots_u0);
        ::pyslots::__private::SlotVisitor::untyped(__pyslots_v, &self.__pyslots_u1);
    }
}
impl ::pyslots::__private::PyClass for Node {
    const LAYOUT: ::pyslots::__private::Layout = ::pyslots::__private::Layout {
        name: "Node",
        module_path: ::pyslots::__private::module_path!(),
        slots: &["a", "b"],
        slot_docs: &[::pyslots::__private::None, ::pyslots::__private::None],
        class_attrs: &[],
        declared_slots: ::pyslots::__private::Some(&["a", "b", "__weakref__"]),
        bases: &[],
        has_dict: false,
        has_weakref: true,
        size: ::pyslots::__private::size_of::<Self>(),
        frozen: false,
        methods: <Self as ::pyslots::__private::ClassImpl>::METHODS,
        method_flags: ::pyslots::__private::method_flags(<Self as ::pyslots::__private::ClassImpl>::METHODS),
        method_names: <Self as ::pyslots::__private::ClassImpl>::BLOCK.names,
    };
    type WeakRefs = ::pyslots::__private::WeakRefs<true>;
}
impl ::pyslots::__private::fmt::Debug for Node {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut ::pyslots::__private::fmt::Formatter<'_>) -> ::pyslots::__private::fmt::Result {
        ::pyslots::__private::fmt_debug(self, __pyslots_f)
    }
}
::pyslots::__private::impl_serde!(Node);
