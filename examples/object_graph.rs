//! A small object graph: people, their addresses, and a weak back-pointer,
//! as Python programs build them. Objects are shared by reference, one
//! object can sit in another's slot or dict, and `getattr` chains through.
//!
//! Run with `cargo run --example object_graph`.

use pyslots::prelude::*;

// class Address:
//     __slots__ = ['street', 'city', '__weakref__']
#[pyclass_like]
#[slots(street, city, __weakref__)]
struct Address {
    street: String,
    city: String,
}

// class Person:
//     __slots__ = ['name', 'home', 'friend']     # friend: any object
#[pyclass_like]
#[slots(name, home, friend)]
struct Person {
    name: String,
    home: Py<Address>,
}

// A regular class: a dict-backed registry of anything.
#[pyclass_like]
struct Directory {
    title: String,
}

fn main() -> Result<(), Error> {
    let home = Py::new(Address::new("1 Main St".into(), "Springfield".into()));
    let alice = Py::new(Person::new("Alice".into(), home.clone()));
    let bob = Py::new(Person::new("Bob".into(), home.clone())); // same address object

    // bob.friend = alice
    bob.write().setattr("friend", Value::from(&alice))?;

    // bob.friend.home.city: getattr chains through objects.
    let friend = bob.read().getattr("friend")?;
    let friend_home = friend.as_object().expect("an object").getattr("home")?;
    let city = friend_home.as_object().expect("an object").getattr("city")?;
    println!("bob.friend.home.city            -> {city}");
    assert_eq!(city, Value::from("Springfield"));

    // alice.home is bob.home: one shared object, as in Python.
    let same = Py::is(alice.read().home()?, bob.read().home()?);
    println!("alice.home is bob.home          -> {}", Value::from(same));
    assert!(same);

    // A change through one path is seen through the other.
    home.write().set_city("Shelbyville".into());
    println!("after home.city = 'Shelbyville' -> alice.home.city = {}", alice.read().home()?.read().getattr("city")?);

    // Objects of different classes together: a dict of people and places.
    let mut directory = Directory::new("Neighbours".into());
    directory.setattr("alice", Value::from(&alice))?;
    directory.setattr("home", Value::from(&home))?;
    println!("vars(directory) has keys        -> {:?}", vars(&directory)?.keys());
    let everyone: Vec<PyObject> = vec![alice.clone().into_object(), home.clone().into_object()];
    for obj in &everyone {
        println!("  {:<28} type {}", obj.to_string().split(" at ").next().unwrap_or_default(), obj.type_name());
    }

    // A weak reference does not keep the address alive.
    let weak_home = Py::downgrade(&home);
    drop((home, alice, bob, directory, everyone, friend, friend_home));
    println!("weakref to the address, after every owner is gone -> {:?}", weak_home.upgrade().map(|_| "alive"));
    assert!(weak_home.upgrade().is_none());
    Ok(())
}
