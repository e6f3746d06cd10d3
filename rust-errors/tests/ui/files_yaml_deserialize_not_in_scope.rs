// files/yaml: one YAML text, several documents, each deserialized on its own.
#[derive(Debug, serde::Deserialize)]
struct Inventory {
    servers: Vec<String>,
}

fn parse_documents(text: &str) -> Result<Vec<Inventory>, serde_yaml::Error> {
    serde_yaml::Deserializer::from_str(text)
        .map(|document| Inventory::deserialize(document))
        .collect()
}

fn main() {
    println!("{:?}", parse_documents("servers: [web-1]\n---\nservers: []\n"));
}
