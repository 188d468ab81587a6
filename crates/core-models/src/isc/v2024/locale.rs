//! Locale codes accepted by the `locale` query parameter and translation routes.

open_enum! {
    /// A locale code. `no` is Norwegian: always a string, never a boolean.
    /// The default is `en`, the service's fallback.
    #[derive(Default)]
    pub enum Locale {
        /// German.
        De => "de",
        /// Norwegian.
        No => "no",
        /// Finnish.
        Fi => "fi",
        /// Swedish.
        Sv => "sv",
        /// Russian.
        Ru => "ru",
        /// Portuguese.
        Pt => "pt",
        /// Korean.
        Ko => "ko",
        /// Traditional Chinese.
        ZhTw => "zh-TW",
        /// English, the fallback.
        #[default]
        En => "en",
        /// Italian.
        It => "it",
        /// French.
        Fr => "fr",
        /// Simplified Chinese.
        ZhCn => "zh-CN",
        /// Hungarian.
        Hu => "hu",
        /// Spanish.
        Es => "es",
        /// Czech.
        Cs => "cs",
        /// Japanese.
        Ja => "ja",
        /// Polish.
        Pl => "pl",
        /// Danish.
        Da => "da",
        /// Dutch.
        Nl => "nl",
    }
}
