//! ISO 3166-1 alpha-2 codes: the only country values the ingest accepts.

/// Every officially assigned alpha-2 code, concatenated.
const ASSIGNED: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ\
CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY\
HKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ\
NANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ\
TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

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
