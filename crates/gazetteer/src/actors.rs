//! Actor records and the TOML dictionary they come from (`data/actors.toml` and user extensions).

use crate::GazetteerError;
use serde::Deserialize;
use sitrep_model::ActorType;

/// One actor of the dictionary: a state, a force, an armed group, a person or a generic actor.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorEntry {
    /// Stable slug, e.g. `kataib-hezbollah`.
    pub id: String,
    /// Canonical display name.
    pub name: String,
    pub actor_type: ActorType,
    /// ISO 3166-1 alpha-2 of the actor's home country.
    pub country: Option<String>,
    /// Ids of umbrella groups or patrons.
    pub parents: Vec<String>,
    /// Generic actors ("protesters", "gunmen") are never preferred over named ones.
    pub generic: bool,
    /// Names matched after folding (case, accents, apostrophes, hyphens and "al-" do not matter).
    pub aliases: Vec<String>,
    /// Names matched only where the original text has exactly these bytes ("KH", "IS").
    pub exact_aliases: Vec<String>,
    /// Sentences in which the actor must (or must not) be recognised; they run as tests.
    pub examples: Vec<ActorExample>,
}

/// A sentence that documents and tests an actor entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorExample {
    pub text: String,
    /// Whether the actor must be found in `text` (`false`: it must not be).
    pub expect: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    actor: Vec<RawActor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    id: String,
    name: String,
    actor_type: ActorType,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    parents: Vec<String>,
    #[serde(default)]
    generic: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    exact_aliases: Vec<String>,
    #[serde(default)]
    examples: Vec<ActorExample>,
}

/// Parses one actors TOML file. Cross-entry checks (unique ids, known parents) happen when the
/// gazetteer is built, because extension files may refer to built-in actors.
pub(crate) fn parse_actors(source: &str, content: &str) -> Result<Vec<ActorEntry>, GazetteerError> {
    let raw: RawFile = toml::from_str(content)
        .map_err(|e| GazetteerError::Toml { source_name: source.to_string(), message: e.to_string() })?;
    raw.actor
        .into_iter()
        .map(|a| {
            let id = a.id.trim().to_string();
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return Err(GazetteerError::entry(source, &id, "id must be a slug of a-z, 0-9 and '-'"));
            }
            if a.name.trim().is_empty() {
                return Err(GazetteerError::entry(source, &id, "name is empty"));
            }
            if let Some(c) = &a.country {
                if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(GazetteerError::entry(
                        source,
                        &id,
                        format!("country {c:?} is not an ISO 3166-1 alpha-2 code"),
                    ));
                }
            }
            let clean = |v: Vec<String>| -> Vec<String> {
                v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
            };
            Ok(ActorEntry {
                name: a.name.trim().to_string(),
                actor_type: a.actor_type,
                country: a.country,
                parents: clean(a.parents),
                generic: a.generic,
                aliases: clean(a.aliases),
                exact_aliases: clean(a.exact_aliases),
                examples: a.examples,
                id,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let ok = r#"
            [[actor]]
            id = "kh"
            name = "Kata'ib Hezbollah"
            actor_type = "Political militia"
            country = "IQ"
            aliases = ["Kataib Hezbollah", " "]
            exact_aliases = ["KH"]
            examples = [{ text = "KH fired.", expect = true }]
        "#;
        let a = parse_actors("a.toml", ok).unwrap();
        assert_eq!(a[0].aliases, ["Kataib Hezbollah"]);
        assert_eq!(a[0].actor_type, ActorType::PoliticalMilitia);
        assert!(!a[0].generic);

        for bad in [
            "[[actor]]\nid = \"x\"\nname = \"X\"\nactor_type = \"Militia\"\n",
            "[[actor]]\nid = \"X\"\nname = \"X\"\nactor_type = \"State\"\n",
            "[[actor]]\nid = \"x\"\nname = \" \"\nactor_type = \"State\"\n",
            "[[actor]]\nid = \"x\"\nname = \"X\"\nactor_type = \"State\"\ncountry = \"Iraq\"\n",
            "[[actor]]\nid = \"x\"\nname = \"X\"\nactor_type = \"State\"\nalias = [\"typo\"]\n",
            "not toml [",
        ] {
            assert!(parse_actors("a.toml", bad).is_err(), "{bad}");
        }
        assert!(parse_actors("a.toml", "").unwrap().is_empty());
    }
}
