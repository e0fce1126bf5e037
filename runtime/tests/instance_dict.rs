//! An instance's `__dict__` storage (`instance_dict.rs`): a compile-time
//! class's shared keys and inline values, and a run-time class's learned
//! keys, through the runtime's hidden `instance_dict` module.

use pyslots_runtime::__private::{DictSlot, InlineValues, LearnedKeys, LearnedValues, SharedKeys, LEARNED_KEYS_MAX};
use pyslots_runtime::Value;

static PERSON: SharedKeys = SharedKeys::new(&["name", "age"]);

fn person() -> InlineValues<2> {
    InlineValues::new([Value::from("Alice"), Value::from(30)])
}

fn repr(d: &InlineValues<2>) -> String {
    let entries = d.view(&PERSON).unwrap().entries();
    Value::dict(entries).to_string()
}

#[test]
fn inline_values_are_one_pointer_and_stay_inline() {
    assert_eq!(std::mem::size_of::<InlineValues<2>>(), 8);
    assert_eq!(person().block_size(), 16 + 2 * 24);
    let mut d = person();
    d.view_mut(&PERSON).unwrap().set("age", Value::from(31));
    assert!(d.view(&PERSON).unwrap().live().is_none());
    assert_eq!(repr(&d), "{'name': 'Alice', 'age': 31}");
}

#[test]
fn known_value_mut_only_over_its_own_table_and_present_values() {
    static OTHER: SharedKeys = SharedKeys::new(&["name", "age"]);
    let mut d = person();
    let mut v = d.view_mut(&PERSON).unwrap();
    *v.known_value_mut(&PERSON, 1).unwrap() = Value::Int(31);
    // Another table with the same names is another class's: no shortcut.
    assert!(v.known_value_mut(&OTHER, 1).is_none());
    assert!(v.known_value_mut(&PERSON, 2).is_none());
    v.remove("name");
    assert!(v.known_value_mut(&PERSON, 0).is_none());
    // Re-inserting a deleted name puts it last: the dict goes live.
    v.set("name", Value::from("Bob"));
    assert!(v.known_value_mut(&PERSON, 1).is_none());
    assert_eq!(repr(&d), "{'age': 31, 'name': 'Bob'}");
    assert_eq!(d.view(&PERSON).unwrap().get_known(&PERSON, 1), None, "live: no inline read");
    assert_eq!(d.view(&PERSON).unwrap().get("age"), Some(Value::Int(31)));
}

#[test]
fn a_new_name_makes_the_dict_live_in_order() {
    let mut d = person();
    d.view_mut(&PERSON).unwrap().set("height", Value::from(170));
    assert!(d.view(&PERSON).unwrap().live().is_some());
    assert_eq!(repr(&d), "{'name': 'Alice', 'age': 30, 'height': 170}");
    d.view_mut(&PERSON).unwrap().remove("age");
    assert_eq!(repr(&d), "{'name': 'Alice', 'height': 170}");
}

#[test]
fn materialized_dict_is_shared_both_ways() {
    let mut d = person();
    let live = d.view(&PERSON).unwrap().materialize();
    live.insert("x", 1);
    assert_eq!(d.view(&PERSON).unwrap().get("x"), Some(Value::Int(1)));
    d.view_mut(&PERSON).unwrap().set("y", Value::from(2));
    d.view_mut(&PERSON).unwrap().remove("name");
    assert_eq!(live.to_string(), "{'age': 30, 'x': 1, 'y': 2}");
    // The stale inline copies are gone after the first write.
    assert!(d.inline_values_unset());
    // `del obj.__dict__`: the old dict keeps its contents.
    d.view_mut(&PERSON).unwrap().reset();
    assert_eq!(repr(&d), "{}");
    assert_eq!(live.len(), 3);
}

#[test]
fn learned_keys_grow_by_versions_each_a_prefix_of_the_next() {
    let keys: &'static LearnedKeys = Box::leak(Box::default());
    let mut a = LearnedValues::new(keys);
    assert_eq!(a.capacity(), 1, "a new class's first instance starts small");
    a.view_mut(keys).set("x", Value::from(1));
    let v1 = keys.current();
    a.view_mut(keys).set("y", Value::from(2));
    let v2 = keys.current();
    assert_eq!((v1.names().collect::<Vec<_>>(), v2.names().collect::<Vec<_>>()), (vec!["x"], vec!["x", "y"]));
    assert_eq!(a.capacity(), 2, "it grew to hold y");
    // Known names take no new version.
    a.view_mut(keys).set("x", Value::from(3));
    assert!(std::ptr::eq(keys.current(), v2));
    assert!(a.view(keys).live().is_none());
    assert_eq!(Value::dict(a.view(keys).entries()).to_string(), "{'x': 3, 'y': 2}");
}

#[test]
fn settled_classes_make_instances_the_size_they_end_up() {
    let keys: &'static LearnedKeys = Box::leak(Box::default());
    let make = |names: &[&str]| {
        let mut v = LearnedValues::new(keys);
        for (i, name) in names.iter().enumerate() {
            v.view_mut(keys).set(name, Value::from(i as i64));
        }
        assert!(v.view(keys).live().is_none(), "{names:?} stay inline");
        v
    };
    let eight = ["a", "b", "c", "d", "e", "f", "g", "h"];
    // The first instance grows as it learns (1, 2, 3, 4, 6, 9).
    assert_eq!(make(&eight).capacity(), 9);
    // The next ones are made with room for the eight, and grow no more.
    assert!((0..5).all(|_| make(&eight).capacity() == 8));
    // One setting a ninth name grows by half; the class notes nine.
    assert_eq!(make(&[&eight[..], &["i"]].concat()).capacity(), 12);
    assert_eq!(LearnedValues::new(keys).capacity(), 9);
}

#[test]
fn a_sparse_instance_goes_live_rather_than_grow() {
    let keys: &'static LearnedKeys = Box::leak(Box::default());
    let set = |v: &mut LearnedValues, names: &[&str]| {
        for (i, name) in names.iter().enumerate() {
            v.view_mut(keys).set(name, Value::from(i as i64));
        }
    };
    let mut dense = LearnedValues::new(keys);
    set(&mut dense, &["a", "b", "c", "d", "e", "f"]);
    assert!(dense.view(keys).live().is_none());
    // Made for six; a first name the class has not learned is beyond
    // twice what it holds and four more: a namespace-like use, made
    // live (only what is set is stored), and the class learns nothing.
    let mut sparse = LearnedValues::new(keys);
    assert_eq!(sparse.capacity(), 6);
    set(&mut sparse, &["other"]);
    assert!(sparse.view(keys).live().is_some());
    let mut sparse = LearnedValues::new(keys);
    set(&mut sparse, &["a", "other"]);
    assert!(sparse.view(keys).live().is_some());
    assert_eq!(Value::dict(sparse.view(keys).entries()).to_string(), "{'a': 0, 'other': 1}");
    assert_eq!(keys.current().len(), 6);
    // Three set: dense enough to learn a seventh name and grow to it.
    let mut more = LearnedValues::new(keys);
    set(&mut more, &["a", "b", "c", "other"]);
    assert!(more.view(keys).live().is_none());
    assert_eq!((keys.current().len(), more.capacity()), (7, 9));
    assert_eq!(more.view(keys).get("other"), Some(Value::Int(3)));
}

#[test]
fn a_full_table_learns_no_more() {
    let keys: &'static LearnedKeys = Box::leak(Box::default());
    let mut v = LearnedValues::new(keys);
    for i in 0..LEARNED_KEYS_MAX + 5 {
        v.view_mut(keys).set(&format!("k{i}"), Value::from(i as i64));
    }
    assert_eq!(keys.current().len(), LEARNED_KEYS_MAX);
    assert!(v.view(keys).live().is_some(), "the 31st name made the dict live");
    assert_eq!(v.view(keys).keys().len(), LEARNED_KEYS_MAX + 5);
    let mut w = LearnedValues::new(keys);
    w.view_mut(keys).set("k0", Value::from(0));
    assert_eq!(w.view(keys).get("k1"), None);
    assert!(!w.view(keys).contains("k40"));
}

#[test]
fn unset_keys_fill_in_table_order_and_stay_inline() {
    let mut d = InlineValues::<2>::default();
    d.view_mut(&PERSON).unwrap().set("name", Value::from("A"));
    d.view_mut(&PERSON).unwrap().set("age", Value::from(1));
    assert!(d.view(&PERSON).unwrap().live().is_none());
    let mut e = InlineValues::<2>::default();
    e.view_mut(&PERSON).unwrap().set("age", Value::from(1));
    e.view_mut(&PERSON).unwrap().set("name", Value::from("A"));
    assert_eq!(repr(&e), "{'age': 1, 'name': 'A'}");
}
