//! ISO 3166-1 alpha-2 codes: the only country values the ingest accepts.

/// Every officially assigned alpha-2 code, concatenated.
const ASSIGNED: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ\
CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY\
HKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ\
NANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ\
TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/// A country's name in a language, for an assigned code.
pub fn country_name(code: &str, locale: crate::i18n::Locale) -> Option<&'static str> {
    use super::country_names::COUNTRY_NAMES;
    let at = COUNTRY_NAMES.binary_search_by(|(c, _, _)| (*c).cmp(code)).ok()?;
    let (_, english, turkish) = COUNTRY_NAMES[at];
    Some(match locale {
        crate::i18n::Locale::En => english,
        crate::i18n::Locale::Tr => turkish,
    })
}

/// The upper-case code when `text` is an assigned code in any case.
pub fn normalize_country(text: &str) -> Option<String> {
    if text.len() != 2 || !text.is_ascii() {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    let assigned = ASSIGNED.as_bytes().chunks(2).any(|code| code == upper.as_bytes());
    assigned.then_some(upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_assigned_code_has_a_name_in_both_languages() {
        use crate::i18n::Locale;
        for code in ASSIGNED.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap()) {
            assert!(country_name(code, Locale::En).is_some() && country_name(code, Locale::Tr).is_some(), "{code}");
        }
        assert_eq!(country_name("DE", Locale::Tr), Some("Almanya"));
        assert_eq!(country_name("XX", Locale::En), None);
    }

    #[test]
    fn accepts_assigned_codes_in_any_case() {
        assert_eq!(normalize_country("tr").as_deref(), Some("TR"));
        assert_eq!(normalize_country("De").as_deref(), Some("DE"));
        assert_eq!(normalize_country("ZW").as_deref(), Some("ZW"));
    }

    #[test]
    fn refuses_unassigned_or_malformed_codes() {
        for bad in ["XX", "T", "TUR", "1A", "ÜÜ", ""] {
            assert_eq!(normalize_country(bad), None, "{bad}");
        }
    }
}
