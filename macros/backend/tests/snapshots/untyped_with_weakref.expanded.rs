// The expansion of:
// # [slots (a , b , __weakref__)] pub struct Node ;

#[allow(unused_imports)]
use ::pyslots::__private as __pyslots_Node;
pub struct Node {
    __pyslots_u0: __pyslots_Node::Option<__pyslots_Node::Value>,
    __pyslots_u1: __pyslots_Node::Option<__pyslots_Node::Value>,
}
impl Node {
    #[doc = "A new instance; every slot starts unset."]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn new() -> Self {
        Self { __pyslots_u0: __pyslots_Node::None, __pyslots_u1: __pyslots_Node::None }
    }
}
impl __pyslots_Node::Default for Node {
    #[doc = r" An instance with every slot unset and an empty dict, as"]
    #[doc = r" `object.__new__` makes it before `__init__` assigns anything."]
    #[inline]
    fn default() -> Self {
        Self { __pyslots_u0: __pyslots_Node::None, __pyslots_u1: __pyslots_Node::None }
    }
}
impl __pyslots_Node::ClassImpl for Node {
    const BLOCK: __pyslots_Node::MethodBlock<Self> = {
        use __pyslots_Node::NoMethods as _;
        Node::__PYSLOTS_BLOCK
    };
    #[inline(always)]
    fn slot_index(__pyslots_name: &__pyslots_Node::str) -> __pyslots_Node::u32 {
        let __pyslots_bytes = __pyslots_Node::str::as_bytes(__pyslots_name);
        match __pyslots_bytes.len() {
            1usize => match __pyslots_bytes[0usize] {
                97u8 => 0u32,
                98u8 => 1u32,
                _ => __pyslots_Node::u32::MAX,
            },
            _ => __pyslots_Node::u32::MAX,
        }
    }
    #[inline(always)]
    fn slot_read_at<__PyslotsR: __pyslots_Node::SlotRead>(
        &self,
        __pyslots_i: __pyslots_Node::u32,
        __pyslots_r: __PyslotsR,
    ) -> __PyslotsR::Out<'_> {
        match __pyslots_i {
            0u32 => __PyslotsR::untyped(__pyslots_r, &self.__pyslots_u0),
            1u32 => __PyslotsR::untyped(__pyslots_r, &self.__pyslots_u1),
            _ => __PyslotsR::not_slot(__pyslots_r),
        }
    }
    #[inline(always)]
    fn slot_write_at<__PyslotsW: __pyslots_Node::SlotWrite>(
        &mut self,
        __pyslots_i: __pyslots_Node::u32,
        __pyslots_op: __PyslotsW,
    ) -> __PyslotsW::Out {
        match __pyslots_i {
            0u32 => __PyslotsW::untyped(__pyslots_op, &mut self.__pyslots_u0),
            1u32 => __PyslotsW::untyped(__pyslots_op, &mut self.__pyslots_u1),
            _ => __PyslotsW::not_slot(__pyslots_op),
        }
    }
    const CLASS_LAYOUT: __pyslots_Node::Layout = __pyslots_Node::class_layout::<Self>(__pyslots_Node::Layout {
        name: "Node",
        module_path: __pyslots_Node::module_path!(),
        slots: &["a", "b"],
        declared_slots: __pyslots_Node::Some(&["a", "b", "__weakref__"]),
        has_weakref: true,
        ..__pyslots_Node::LAYOUT_UNSET
    });
    type ClassWeakRefs = __pyslots_Node::WeakRefs<true>;
}
impl __pyslots_Node::fmt::Debug for Node {
    #[inline]
    fn fmt(&self, __pyslots_f: &mut __pyslots_Node::fmt::Formatter<'_>) -> __pyslots_Node::fmt::Result {
        __pyslots_Node::fmt_debug(self, __pyslots_f)
    }
}
__pyslots_Node::impl_serde!(Node);
