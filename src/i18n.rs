//! English and Turkish: every text the pages and charts show, and numbers, durations and
//! dates written the way each language writes them. Shared by the server (pages, chart
//! options) and the browser, so both render the same words.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Tr,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Tr];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Tr => "tr",
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Tr => "Türkçe",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("en") => Some(Locale::En),
            Some("tr") => Some(Locale::Tr),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, by preference.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let locale = Locale::parse(pieces.next()?.trim())?;
                let quality =
                    pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                Some((quality, locale))
            })
            .collect();
        // Stable: equal weights keep the header's order.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, locale)| *locale)
    }

    fn separators(self) -> (char, char) {
        match self {
            Locale::En => (',', '.'),
            Locale::Tr => ('.', ','),
        }
    }

    /// A count with the language's thousands separator: 12,345 / 12.345.
    pub fn count(self, n: u64) -> String {
        let (group, _) = self.separators();
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(group);
            }
            out.push(digit);
        }
        out
    }

    /// A number with one decimal: 3.5 / 3,5.
    pub fn decimal(self, x: f64) -> String {
        let (_, point) = self.separators();
        let tenths = (x * 10.0).round().max(0.0) as u64;
        format!("{}{point}{}", self.count(tenths / 10), tenths % 10)
    }

    /// A number as set by a person: whole numbers without decimals ("5"), others to
    /// one decimal ("12.5").
    pub fn decimal_trimmed(self, x: f64) -> String {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            self.count(x.max(0.0) as u64)
        } else {
            self.decimal(x)
        }
    }

    /// A change in percent with its sign, or "new" when there was nothing before.
    pub fn change(self, now: f64, before: f64) -> String {
        if before == 0.0 {
            return if now == 0.0 { "±0%".into() } else { Text::New.get(self).into() };
        }
        let percent = (now - before) / before * 100.0;
        let sign = if percent > 0.05 {
            "+"
        } else if percent < -0.05 {
            "−"
        } else {
            "±"
        };
        let magnitude = self.decimal(percent.abs());
        match self {
            Locale::En => format!("{sign}{magnitude}%"),
            Locale::Tr => format!("{sign}%{magnitude}"),
        }
    }

    /// A whole percentage: 62% / %62.
    pub fn percent(self, n: u64) -> String {
        match self {
            Locale::En => format!("{n}%"),
            Locale::Tr => format!("%{n}"),
        }
    }

    /// Seconds as "4m 05s" / "4 dk 05 sn", or with hours past an hour.
    pub fn duration(self, seconds: f64) -> String {
        let s = seconds.round().max(0.0) as u64;
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
        match (self, h > 0) {
            (Locale::En, true) => format!("{h}h {m:02}m"),
            (Locale::En, false) => format!("{m}m {sec:02}s"),
            (Locale::Tr, true) => format!("{h} sa {m:02} dk"),
            (Locale::Tr, false) => format!("{m} dk {sec:02} sn"),
        }
    }

    /// A local `YYYY-MM-DD HH:MM` as "Nov 24, 2026 14:05" / "24 Kas 2026 14:05".
    pub fn date_time(self, local: &str) -> String {
        let (Some(date), Some(time)) = (local.get(..10), local.get(11..16)) else {
            return local.to_string();
        };
        format!("{} {time}", self.date(date))
    }

    /// A `YYYY-MM-DD` as "Nov 24, 2026" / "24 Kas 2026".
    pub fn date(self, iso: &str) -> String {
        let mut parts = iso.split('-').map(|p| p.parse::<usize>().ok());
        let (Some(Some(year)), Some(Some(month)), Some(Some(day))) = (parts.next(), parts.next(), parts.next()) else {
            return iso.to_string();
        };
        let names = self.month_names();
        let Some(name) = names.get(month.wrapping_sub(1)) else {
            return iso.to_string();
        };
        match self {
            Locale::En => format!("{name} {day}, {year}"),
            Locale::Tr => format!("{day} {name} {year}"),
        }
    }

    /// A `YYYY-MM` as "Nov 2026" / "Kas 2026".
    pub fn month(self, iso: &str) -> String {
        let month = iso.get(5..7).and_then(|m| m.parse::<usize>().ok()).unwrap_or(0);
        let names = self.month_names();
        match (names.get(month.wrapping_sub(1)), iso.get(..4)) {
            (Some(name), Some(year)) => format!("{name} {year}"),
            _ => iso.to_string(),
        }
    }

    /// The words for the top-countries entries that are not one country, "other" and
    /// "unknown"; `None` for a country code.
    pub fn country_group(self, entry: &str) -> Option<&'static str> {
        match crate::model::CountryBucket::of(entry) {
            crate::model::CountryBucket::Other => Some(Text::OtherCountries.get(self)),
            crate::model::CountryBucket::Unknown => Some(Text::UnknownCountry.get(self)),
            crate::model::CountryBucket::Country(_) => None,
        }
    }

    pub fn month_names(self) -> [&'static str; 12] {
        match self {
            Locale::En => ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
            Locale::Tr => ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"],
        }
    }

    /// Monday first, as the heatmap's rows.
    pub fn weekday_names(self) -> [&'static str; 7] {
        match self {
            Locale::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            Locale::Tr => ["Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz"],
        }
    }
}

/// Fills each `{}` of a text, in order.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(values.next().copied().unwrap_or(""));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// Declares the texts: each has its English and its Turkish wording, so a missing
/// translation does not compile.
macro_rules! texts {
    ($($key:ident => $en:literal, $tr:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($key),* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

            pub fn get(self, locale: Locale) -> &'static str {
                // A table rather than a match: a match of every text in both languages
                // compiles to 7.5 KB of branches in the browser's WASM.
                const WORDINGS: &[[&str; 2]] = &[$([$en, $tr]),*];
                WORDINGS[self as usize][locale as usize]
            }
        }
    };
}

texts! {
    AllChannels => "All channels", "Tüm kanallar";
    Web => "Web", "Web";
    Premium => "Premium", "Premium";
    Settings => "Settings", "Ayarlar";
    LogOut => "Log out", "Çıkış yap";
    MainNavigation => "Main", "Ana menü";
    Menu => "Menu", "Menü";
    Live => "Live", "Canlı";
    Connecting => "Connecting…", "Bağlanıyor…";
    OfflineRetrying => "Offline — retrying in {} s", "Çevrimdışı — {} sn içinde yeniden denenecek";
    Paused => "Paused", "Duraklatıldı";
    UpdatedAgo => "updated {} s ago", "{} sn önce güncellendi";
    Stale => "showing the last figures received", "son alınan veriler gösteriliyor";
    Pause => "Pause", "Duraklat";
    Resume => "Resume", "Sürdür";
    Sound => "Sound", "Ses";
    Today => "Today", "Bugün";
    Days7 => "7 days", "7 gün";
    Days30 => "30 days", "30 gün";
    Days90 => "90 days", "90 gün";
    Months12 => "12 months", "12 ay";
    AllTime => "All", "Tümü";
    Custom => "Custom", "Özel";
    From => "From", "Başlangıç";
    To => "To", "Bitiş";
    Apply => "Apply", "Uygula";
    Range => "Date range", "Tarih aralığı";
    Compare => "Compare with previous period", "Önceki dönemle karşılaştır";
    VsPrevious => "{} vs previous period", "önceki döneme göre {}";
    New => "new", "yeni";
    Totals => "Totals", "Toplamlar";
    Users => "Users", "Kullanıcılar";
    UsersSplit => "web {} · premium {}", "web {} · premium {}";
    Sessions => "Sessions", "Oturumlar";
    Messages => "Messages", "Mesajlar";
    OnlineNow => "Online now", "Şu an çevrimiçi";
    WidgetOpens => "Widget opens", "Widget açılışları";
    HumanSessions => "Human-mode sessions", "Temsilcili oturumlar";
    MessagesPerSession => "Messages per session", "Oturum başına mesaj";
    AverageSession => "Average session", "Ortalama oturum";
    DataVersion => "data version {}", "veri sürümü {}";
    ChartDaily => "Messages and sessions per day", "Günlük mesaj ve oturum";
    ChartMonthly => "Messages per month", "Aylık mesaj";
    ChartHeatmap => "Messages by weekday and hour", "Gün ve saate göre mesajlar";
    ChartChannels => "Sessions per channel", "Kanala göre oturumlar";
    ChartSenders => "Messages by sender", "Gönderene göre mesajlar";
    ChartLengths => "Sessions by length (messages)", "Uzunluğa göre oturumlar (mesaj)";
    ChartCountries => "Top countries (users)", "En çok kullanıcı olan ülkeler";
    ViewAsTable => "View as table", "Tablo olarak göster";
    ViewAsChart => "View as chart", "Grafik olarak göster";
    ClickToFilter => "Click an element to filter the sessions", "Oturumları süzmek için bir öğeye tıklayın";
    Date => "Date", "Tarih";
    Month => "Month", "Ay";
    Weekday => "Weekday", "Gün";
    Hour => "Hour", "Saat";
    Channel => "Channel", "Kanal";
    Sender => "Sender", "Gönderen";
    SenderUser => "Visitor", "Ziyaretçi";
    SenderBot => "Bot", "Bot";
    SenderOperator => "Operator", "Temsilci";
    Length => "Length", "Uzunluk";
    Country => "Country", "Ülke";
    OtherCountries => "other", "diğer";
    UnknownCountry => "unknown", "bilinmiyor";
    SessionsHeading => "Sessions", "Oturumlar";
    RowsShown => "{}–{} of {}", "{}–{} / {}";
    NoSessions => "No sessions in this range.", "Bu aralıkta oturum yok.";
    Visitor => "Visitor", "Ziyaretçi";
    Started => "Started", "Başladı";
    LastActivity => "Last activity", "Son etkinlik";
    SessionNumber => "Session", "Oturum";
    NOfM => "{} of {}", "{}/{}";
    Anonymous => "Anonymous", "Anonim";
    HumanMarker => "human", "temsilci";
    HumanMarkerTitle => "A human operator took part", "Bir temsilci katıldı";
    DownloadCsv => "Download CSV", "CSV indir";
    NewestFirst => "Newest first", "En yeni önce";
    OldestFirst => "Oldest first", "En eski önce";
    SortByLastActivity => "Sort by last activity", "Son etkinliğe göre sırala";
    PreviousPage => "Previous", "Önceki";
    NextPage => "Next", "Sonraki";
    PageOf => "Page {} of {}", "Sayfa {}/{}";
    FilteredBy => "Filtered by {}", "Süzgeç: {}";
    ClearFilter => "Clear", "Temizle";
    FilterDay => "day {}", "gün {}";
    FilterHour => "{} {}:00", "{} {}:00";
    FilterCountry => "country {}", "ülke {}";
    FilterChannel => "channel {}", "kanal {}";
    NewSession => "New session: {}", "Yeni oturum: {}";
    NewSessions => "{} new sessions", "{} yeni oturum";
    HumanTakeover => "A human took over: {}", "Temsilci devraldı: {}";
    HumanTakeovers => "{} human takeovers", "{} temsilci devralması";
    Dismiss => "Dismiss", "Kapat";
    Notifications => "Notifications", "Bildirimler";
    LoadFailed => "The figures could not be loaded.", "Veriler yüklenemedi.";
    Loading => "Loading…", "Yükleniyor…";
    FiguresSection => "Figures", "Veriler";
    AppearanceSection => "Appearance", "Görünüm";
    SessionGap => "Session gap (minutes)", "Oturum aralığı (dakika)";
    MinMessages => "Minimum messages per session", "Oturum başına en az mesaj";
    OnlineWindow => "Online window (minutes)", "Çevrimiçi süresi (dakika)";
    TimeZone => "Time zone (IANA)", "Saat dilimi (IANA)";
    Save => "Save", "Kaydet";
    Saved => "Saved. Open dashboards update by themselves.", "Kaydedildi. Açık panolar kendiliğinden güncellenir.";
    SettingsLoadFailed => "The settings could not be loaded.", "Ayarlar yüklenemedi.";
    Theme => "Theme", "Tema";
    ThemeSystem => "System", "Sistem";
    ThemeLight => "Light", "Açık";
    ThemeDark => "Dark", "Koyu";
    Language => "Language", "Dil";
    NotFound => "Page not found.", "Sayfa bulunamadı.";
    Username => "Username", "Kullanıcı adı";
    Password => "Password", "Parola";
    LogIn => "Log in", "Giriş yap";
    WrongPassword => "Wrong username or password.", "Kullanıcı adı veya parola yanlış.";
    AdminsSection => "Admins", "Yöneticiler";
    You => "you", "siz";
    Created => "Created", "Oluşturulma";
    Remove => "Remove", "Kaldır";
    AddAdmin => "Add an admin", "Yönetici ekle";
    NewPassword => "New password (12 characters or more)", "Yeni parola (en az 12 karakter)";
    CurrentPassword => "Current password", "Mevcut parola";
    ChangePassword => "Change your password", "Parolanızı değiştirin";
    AdminAdded => "Account added.", "Hesap eklendi.";
    Role => "Role", "Rol";
    RoleAdmin => "admin — changes settings, keys and accounts", "yönetici — ayarları, anahtarları ve hesapları değiştirir";
    RoleViewer => "viewer", "izleyici";
    RoleViewerOption => "viewer — sees the dashboards and exports CSV, changes nothing", "izleyici — panoları görür ve CSV indirir, bir şey değiştirmez";
    AdminRemoved => "Admin removed; their sessions have ended.", "Yönetici kaldırıldı; oturumları kapatıldı.";
    PasswordChanged => "Password changed. Your other sessions have ended.", "Parola değiştirildi. Diğer oturumlarınız kapatıldı.";
    KeysSection => "API keys", "API anahtarları";
    KeyLabel => "Label", "Etiket";
    KeyScope => "Scope", "Kapsam";
    ScopeIngest => "ingest — sends widget events", "ingest — widget olaylarını gönderir";
    ScopeRead => "read — reads the figures", "read — verileri okur";
    ScopeAdmin => "admin — erases visitors' data through the API", "admin — API ile ziyaretçi verisini siler";
    EraseSection => "Erase a visitor", "Ziyaretçiyi sil";
    EraseHint => "Deletes every stored event of one visitor for good (KVKK / GDPR requests); the figures of every dashboard follow, and the audit records who erased when.", "Bir ziyaretçinin kayıtlı tüm olaylarını kalıcı olarak siler (KVKK / GDPR talepleri); tüm panoların verileri güncellenir, kimin ne zaman sildiği kayda geçer.";
    VisitorId => "Visitor id (user_id)", "Ziyaretçi kimliği (user_id)";
    Erase => "Erase for good", "Kalıcı olarak sil";
    Erased => "Erased: {} events deleted. The figures are being recomputed.", "Silindi: {} olay silindi. Veriler yeniden hesaplanıyor.";
    LastUsed => "Last used", "Son kullanım";
    Never => "never", "hiç";
    Revoke => "Revoke", "İptal et";
    RevokedAt => "revoked", "iptal edildi";
    CreateKey => "Create a key", "Anahtar oluştur";
    NewKeyOnce => "Copy this key now; it will not be shown again:", "Bu anahtarı şimdi kopyalayın; bir daha gösterilmeyecek:";
    KeyRevoked => "Key revoked; its open connections have ended.", "Anahtar iptal edildi; açık bağlantıları kapatıldı.";
    AccessLoadFailed => "The admins and keys could not be loaded.", "Yöneticiler ve anahtarlar yüklenemedi.";
    SourcesSection => "Sources", "Kaynaklar";
    SourcesHint => "Where chatpulse reads events by itself: the followed SQL table and the widget servers' announcements.", "chatpulse'ın olayları kendisinin okuduğu yerler: izlenen SQL tablosu ve widget sunucularının duyuruları.";
    SourceRead => "Read", "Okunan";
    SourceRefused => "Refused", "Reddedilen";
    SourceCursor => "Cursor", "İmleç";
    SourceState => "State", "Durum";
    RefusalReason => "Why", "Neden";
    RefusalLast => "Last at", "Son konum";
    ConversationsHeading => "Conversations", "Görüşmeler";
    OutcomeBotOnly => "Bot handled alone", "Yalnız bot çözdü";
    OutcomeAnswered => "Answered by a person", "Temsilci yanıtladı";
    OutcomeUnanswered => "Handover unanswered", "Devir yanıtsız kaldı";
    OutcomeAbandoned => "Abandoned", "Yarıda bırakıldı";
    OutcomeShare => "{} of {} sessions", "{} / {} oturum";
    Outcome => "Outcome", "Sonuç";
    Share => "Share", "Pay";
    WaitingNow => "Waiting for a person", "Temsilci bekleyen";
    LongestWait => "longest {}", "en uzun {}";
    NobodyWaits => "nobody waits", "bekleyen yok";
    OperatorsActive => "Operators active", "Etkin temsilci";
    FirstHumanResponse => "First human response (p50)", "İlk temsilci yanıtı (p50)";
    NinetiethPercentile => "p90 {}", "p90 {}";
    NoSamples => "no samples", "örnek yok";
    ChartOutcomes => "Session outcomes per day", "Günlük oturum sonuçları";
    ChartResponseTimes => "Response times", "Yanıt süreleri";
    BotReply => "Bot reply", "Bot yanıtı";
    HandoverWait => "Wait for a person", "Temsilci bekleme";
    OperatorReply => "Operator reply", "Temsilci yanıtı";
    Response => "Response", "Yanıt";
    Samples => "Samples", "Örnek";
    Median => "p50", "p50";
    Percentile90 => "p90", "p90";
    Under1Min => "< 1 min", "< 1 dk";
    Min1To5 => "1–5 min", "1–5 dk";
    Min5To15 => "5–15 min", "5–15 dk";
    Min15To60 => "15–60 min", "15–60 dk";
    Over60Min => "60+ min", "60+ dk";
    OperatorsHeading => "Operators", "Temsilciler";
    PagesHeading => "Pages where chats start", "Sohbetlerin başladığı sayfalar";
    SessionsAnswered => "Sessions answered", "Yanıtlanan oturum";
    FirstResponseP50 => "First response p50", "İlk yanıt p50";
    FirstResponseP90 => "First response p90", "İlk yanıt p90";
    LastActive => "Last active", "Son etkinlik";
    Page => "Page", "Sayfa";
    Handovers => "Handovers", "Devirler";
    OpenToSession => "Open → session", "Açılış → oturum";
    SessionToHandover => "Session → handover", "Oturum → devir";
    NoOperators => "No operator wrote in this range.", "Bu aralıkta yazan temsilci yok.";
    NoPages => "No page was named in this range.", "Bu aralıkta sayfa bilgisi yok.";
    ActivityHeading => "Live activity", "Canlı etkinlik";
    ActivitySession => "New session", "Yeni oturum";
    ActivityTakeover => "A person took over", "Temsilci devraldı";
    ActivityOpen => "Widget opened", "Widget açıldı";
    ActivityEmpty => "Nothing has happened since this page opened.", "Bu sayfa açıldığından beri bir şey olmadı.";
    ActivityUnanswered => "Handover left unanswered", "Devir yanıtsız kaldı";
    AlertsSection => "Alerts", "Uyarılar";
    AlertsHint => "A rule opens an incident when its condition starts to hold and closes it when it ends: one toast on every open dashboard and one webhook call each time, however many instances run. Each call is signed: X-Chatpulse-Signature is sha256= and the HMAC-SHA256 of the body with the rule's secret.", "Bir kural, koşulu başladığında bir olay açar, bittiğinde kapatır: her seferinde açık her panoda bir bildirim ve bir webhook çağrısı, kaç sunucu çalışırsa çalışsın. Her çağrı imzalıdır: X-Chatpulse-Signature, sha256= ve gövdenin kuralın gizli anahtarıyla HMAC-SHA256 değeridir.";
    AlertQueueWait => "Longest wait for a person above {} min", "Temsilci için en uzun bekleme {} dakikanın üzerinde";
    AlertUnansweredHandovers => "More than {} unanswered handovers in the last hour", "Son bir saatte {} üzeri yanıtsız devir";
    AlertHandoverRate => "Handover rate over the last hour above {} %", "Son bir saatte devir oranı %{} üzerinde";
    AlertNoEvents => "No events for more than {} min", "{} dakikadan uzun süredir olay yok";
    AlertOnlineNow => "More than {} visitors online", "{} üzeri ziyaretçi çevrimiçi";
    AlertOpened => "Alert: {} (now {})", "Uyarı: {} (şu an {})";
    AlertClosed => "Resolved: {} (now {})", "Düzeldi: {} (şu an {})";
    AlertRule => "Rule", "Kural";
    Threshold => "Threshold", "Eşik";
    WebhookUrl => "Webhook URL (optional)", "Webhook URL'si (isteğe bağlı)";
    Webhook => "Webhook", "Webhook";
    WebhookSecret => "Secret", "Gizli anahtar";
    ToastOnly => "toasts only", "yalnız bildirim";
    AddRule => "Add a rule", "Kural ekle";
    RuleAdded => "Rule added.", "Kural eklendi.";
    RuleRemoved => "Rule removed; its open incident is closed.", "Kural kaldırıldı; açık olayı kapatıldı.";
    AlertFiring => "firing since {}", "{} tarihinden beri etkin";
    AlertQuiet => "quiet", "sakin";
    NoRules => "No rules yet.", "Henüz kural yok.";
    DeliveriesHeading => "Webhook deliveries", "Webhook gönderimleri";
    NoDeliveries => "No webhook call yet.", "Henüz webhook çağrısı yok.";
    Incident => "Incident", "Olay";
    IncidentOpened => "opened", "açıldı";
    IncidentClosed => "closed", "kapandı";
    DeliveryStatus => "Status", "Durum";
    DeliveryDelivered => "delivered", "iletildi";
    DeliveryPending => "retrying", "yeniden denenecek";
    DeliveryFailed => "failed", "başarısız";
    Attempts => "Attempts", "Deneme";
    LastAnswer => "Last answer", "Son yanıt";
    AlertsLoadFailed => "The alerts could not be loaded.", "Uyarılar yüklenemedi.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_the_languages_thousands_separator() {
        assert_eq!(Locale::En.count(1_234_567), "1,234,567");
        assert_eq!(Locale::Tr.count(1_234_567), "1.234.567");
        assert_eq!(Locale::En.count(999), "999");
        assert_eq!(Locale::Tr.count(0), "0");
    }

    #[test]
    fn decimals_and_changes_follow_the_language() {
        assert_eq!(Locale::En.decimal(3.46), "3.5");
        assert_eq!(Locale::Tr.decimal(1234.5), "1.234,5");
        assert_eq!(Locale::En.change(150.0, 100.0), "+50.0%");
        assert_eq!(Locale::Tr.change(50.0, 100.0), "−%50,0");
        assert_eq!(Locale::En.change(3.0, 0.0), "new");
        assert_eq!(Locale::En.change(0.0, 0.0), "±0%");
    }

    #[test]
    fn durations_and_dates_are_written_per_language() {
        assert_eq!(Locale::En.duration(245.0), "4m 05s");
        assert_eq!(Locale::Tr.duration(3720.0), "1 sa 02 dk");
        assert_eq!(Locale::En.date_time("2026-11-24 14:05"), "Nov 24, 2026 14:05");
        assert_eq!(Locale::Tr.date_time("2026-11-24 14:05"), "24 Kas 2026 14:05");
        assert_eq!(Locale::Tr.month("2026-02"), "Şub 2026");
        assert_eq!(Locale::En.date("not a date"), "not a date");
    }

    #[test]
    fn the_browser_language_is_chosen_by_its_weight() {
        assert_eq!(Locale::from_accept_language("tr-TR,tr;q=0.9,en-US;q=0.8"), Some(Locale::Tr));
        assert_eq!(Locale::from_accept_language("de-DE,en;q=0.5,tr;q=0.7"), Some(Locale::Tr));
        assert_eq!(Locale::from_accept_language("de-DE"), None);
    }

    #[test]
    fn every_text_has_both_wordings_with_the_same_placeholders() {
        for text in Text::ALL {
            let (en, tr) = (text.get(Locale::En), text.get(Locale::Tr));
            assert!(!en.is_empty() && !tr.is_empty(), "{text:?}");
            assert_eq!(en.matches("{}").count(), tr.matches("{}").count(), "{text:?}");
        }
        assert_eq!(fill(Text::NOfM.get(Locale::En), &["2", "5"]), "2 of 5");
    }

    #[test]
    fn each_text_reads_its_own_line_of_the_table() {
        for (i, text) in Text::ALL.iter().enumerate() {
            assert_eq!(*text as usize, i, "{text:?}");
        }
        assert_eq!((Text::Settings.get(Locale::En), Text::Settings.get(Locale::Tr)), ("Settings", "Ayarlar"));
        assert_eq!((Text::LogOut.get(Locale::En), Text::LogOut.get(Locale::Tr)), ("Log out", "Çıkış yap"));
    }
}
