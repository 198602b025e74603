//! Country codes as the ingest reads them: ISO 3166-1 alpha-2 codes, the user-assigned
//! codes in wide use, and the markers proxies send when they know no country. Whatever
//! else arrives is stored as an unknown country: a batch is never lost over one.

/// Every officially assigned alpha-2 code, concatenated.
const ASSIGNED: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ\
CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY\
HKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ\
NANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ\
TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/// User-assigned codes that name a country all the same: XK, Kosovo (used by the EU,
/// MaxMind and Cloudflare), with its names in English and Turkish.
const USER_ASSIGNED: [(&str, &str, &str); 1] = [("XK", "Kosovo", "Kosova")];

/// A country's name in a language, for an assigned (or user-assigned) code.
pub fn country_name(code: &str, locale: crate::i18n::Locale) -> Option<&'static str> {
    use super::country_names::COUNTRY_NAMES;
    if let Some((_, english, turkish)) = USER_ASSIGNED.iter().find(|(c, _, _)| *c == code) {
        return Some(match locale {
            crate::i18n::Locale::En => english,
            crate::i18n::Locale::Tr => turkish,
        });
    }
    let at = COUNTRY_NAMES.binary_search_by(|(c, _, _)| (*c).cmp(code)).ok()?;
    let (_, english, turkish) = COUNTRY_NAMES[at];
    Some(match locale {
        crate::i18n::Locale::En => english,
        crate::i18n::Locale::Tr => turkish,
    })
}

/// The upper-case code when `text` names a country in any case: an assigned code, or a
/// user-assigned one in wide use (XK). Anything else — Cloudflare's `XX` (unknown) and
/// `T1` (Tor), MaxMind's `A1`/`A2`/`O1`/`EU`/`AP`, or a value that is no code at all —
/// names no country and is stored as unknown.
pub fn normalize_country(text: &str) -> Option<String> {
    if text.len() != 2 || !text.is_ascii() {
        return None;
    }
    let upper = text.to_ascii_uppercase();
    let assigned = ASSIGNED.as_bytes().chunks(2).any(|code| code == upper.as_bytes());
    let user_assigned = USER_ASSIGNED.iter().any(|(code, _, _)| *code == upper);
    (assigned || user_assigned).then_some(upper)
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
        assert_eq!(normalize_country("xk").as_deref(), Some("XK"));
        assert_eq!(country_name("XK", crate::i18n::Locale::Tr), Some("Kosova"));
    }

    #[test]
    fn proxy_markers_unassigned_and_malformed_codes_name_no_country() {
        for bad in ["XX", "T1", "A1", "A2", "O1", "EU", "AP", "T", "TUR", "1A", "ÜÜ", ""] {
            assert_eq!(normalize_country(bad), None, "{bad}");
        }
    }
}
