//! `--output text|json`, shared by the client commands.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    #[default]
    Text,
    Json,
}

/// Prints `value` as pretty JSON, or as `key: value` lines for text output.
pub fn print(output: Output, value: &serde_json::Value) {
    match output {
        Output::Json => println!("{}", serde_json::to_string_pretty(value).expect("serialisable")),
        Output::Text => print_text(value, 0),
    }
}

fn print_text(value: &serde_json::Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        println!("{pad}{k}:");
                        print_text(v, indent + 2);
                    }
                    _ => println!("{pad}{k}: {}", scalar(v)),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                match item {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                        println!("{pad}-");
                        print_text(item, indent + 2);
                    }
                    _ => println!("{pad}- {}", scalar(item)),
                }
            }
        }
        other => println!("{pad}{}", scalar(other)),
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
