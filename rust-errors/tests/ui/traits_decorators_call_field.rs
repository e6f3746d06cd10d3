// traits/decorators: a closure kept in a field is called with parentheses
// around the field.
struct Logged<C, L> {
    inner: C,
    logger: L,
}

impl<C: Fn() -> bool, L: Fn(&str)> Logged<C, L> {
    fn run(&self) -> bool {
        self.logger("start");
        (self.inner)()
    }
}

fn main() {
    let logged = Logged { inner: || true, logger: |line: &str| println!("{line}") };
    println!("{}", logged.run());
}
