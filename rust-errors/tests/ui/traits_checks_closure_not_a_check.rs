// traits/checks: a closure is a `Check` only through the blanket impl, whose
// bound names the argument type; a closure of another shape is not one.
trait Check {
    fn run(&self, server: &str) -> Result<(), String>;
}

impl<F> Check for F
where
    F: Fn(&str) -> Result<(), String>,
{
    fn run(&self, server: &str) -> Result<(), String> {
        self(server)
    }
}

fn main() {
    let checks: Vec<Box<dyn Check>> = vec![Box::new(|server: &str| server.is_empty())];
    println!("{}", checks.len());
}
