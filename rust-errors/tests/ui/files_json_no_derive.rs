// files/json: serde reads a type only if the type says how (a derive).
#[derive(Debug)]
struct Service {
    name: String,
    ports: Vec<u16>,
}

fn main() {
    let service: Service = serde_json::from_str(r#"{"name": "ssh", "ports": [22]}"#).unwrap();
    println!("{} {:?}", service.name, service.ports);
}
