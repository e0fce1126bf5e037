//! "Inheritance and __slots__" from the tutorial, in pyslots.
//!
//! Run with `cargo run --example inheritance`.

use pyslots::prelude::*;
use pyslots::PyClass;

// class Animal:
//     __slots__ = ['name', 'species']
#[pyclass_like]
#[slots(name, species)]
struct Animal {
    name: String,
    species: String,
}

// class Dog(Animal):
//     __slots__ = ['breed']  # only add new slots, don't repeat parent slots
#[pyclass_like(extends = Animal)]
#[slots(breed)]
struct Dog {
    breed: String,
}

impl Dog {
    // def __init__(self, name, breed):
    //     super().__init__(name, "Canine")
    //     self.breed = breed
    fn create(name: &str, breed: &str) -> Dog {
        Dog::with_base(Animal::new(name.into(), "Canine".into()), breed.into())
    }
}

// class RegularAnimal:  (no __slots__: instances have a __dict__)
#[pyclass_like]
struct RegularAnimal {
    name: String,
}

// class SlottedDog(RegularAnimal):
//     __slots__ = ['breed']
#[pyclass_like(extends = RegularAnimal)]
#[slots(breed)]
struct SlottedDog {
    breed: String,
}

// class Base: __slots__ = ['x']
// class Derived(Base): __slots__ = ['y']
#[pyclass_like]
#[slots(x)]
struct Base;

#[pyclass_like(extends = Base)]
#[slots(y)]
struct Derived;

// class Pet(Animal): pass   (no __slots__: gets __dict__ and __weakref__)
#[pyclass_like(extends = Animal)]
struct Pet;

fn show(python: &str, result: impl std::fmt::Display) {
    println!("  {python:<44} -> {result}");
}

fn main() -> Result<(), Error> {
    println!("Case 1: the parent has slots, the child adds more");
    let mut dog = Dog::create("Buddy", "Golden Retriever");
    show("dog.name      # inherited slot", dog.getattr("name")?);
    show("dog.species   # inherited slot", dog.getattr("species")?);
    show("dog.breed     # new slot", dog.getattr("breed")?);
    show("dog.name()    # the base's typed accessor", dog.name()?);
    let err = dog.setattr("color", "gold".into()).unwrap_err();
    show("dog.color = 'gold'", format!("{}: {err}", err.exception()));
    assert_eq!(err.to_string(), "'Dog' object has no attribute 'color'");
    show("dir(dog)", format!("{:?}", dir(&dog)));
    assert_eq!(dir(&dog), ["__slots__", "breed", "name", "species"]);

    println!("\nCase 2: the parent has no slots, the child adds slots");
    let dog = SlottedDog::with_base(RegularAnimal::new("Max".into()), "Labrador".into());
    show("dog.name      # in __dict__, from the parent", dog.getattr("name")?);
    show("dog.breed     # in a slot", dog.getattr("breed")?);
    show("dog.__dict__", vars(&dog)?);
    assert_eq!(vars(&dog)?.to_string(), "{'name': 'Max'}");

    println!("\nThe short tutorial's Base and Derived");
    let mut d = Derived::default();
    d.setattr("x", 10.into())?;
    d.setattr("y", 20.into())?;
    show("d.x, d.y", format!("{}, {}", d.getattr("x")?, d.getattr("y")?));
    let err = d.setattr("z", 30.into()).unwrap_err();
    show("d.z = 30", format!("{}: {err}", err.exception()));
    assert_eq!(err.to_string(), "'Derived' object has no attribute 'z'");

    println!("\nA child without #[slots] gets __dict__ and __weakref__ back");
    let mut pet = Pet::with_base(Animal::new("Tom".into(), "Feline".into()));
    pet.setattr("owner", "Ann".into())?;
    show("pet.owner = 'Ann'; pet.__dict__", vars(&pet)?);
    let pet = Py::new(pet);
    let weak = Py::downgrade(&pet);
    show("weakref.ref(pet)() is pet", Value::from(Py::is(&weak.upgrade().expect("alive"), &pet)));

    println!("\nThe layout chain (Python's __mro__, without object)");
    let mro: Vec<&str> = Dog::LAYOUT.mro().iter().map(|l| l.name).collect();
    show("Dog.__mro__", format!("{mro:?}"));
    assert_eq!(mro, ["Dog", "Animal"]);
    println!(
        "  size of a Dog: {} bytes (an embedded Animal of {} bytes, a breed and its set-flag)",
        Dog::LAYOUT.size(),
        Animal::LAYOUT.size()
    );
    Ok(())
}
