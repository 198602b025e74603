//! One ECharts chart: the instance is created once for its element and updated in place
//! (`setOption` merges and animates) whenever its option changes; it follows its
//! container's size and the theme (a theme change re-creates the instance, as ECharts
//! themes are fixed at creation), and reports clicks on its elements by data index.
//! ECharts is the vendored `/vendor/echarts.min.js` (global `echarts`), which the page
//! loads `async` so that it holds up neither the first paint nor hydration: a chart
//! draws once that script has run.

use leptos::html::Div;
use leptos::prelude::*;

/// The `id` of the page's `<script>` that loads ECharts.
pub const ECHARTS_SCRIPT_ID: &str = "echarts-script";

#[component]
pub fn EChart(
    /// The ECharts option as JSON; empty until there is data.
    #[prop(into)]
    option: Signal<String>,
    /// What the chart shows, for assistive technology.
    #[prop(into)]
    label: Signal<String>,
    /// Draw with ECharts' dark theme.
    #[prop(into)]
    dark: Signal<bool>,
    /// Called with the data index of a clicked element.
    #[prop(optional_no_strip)]
    on_click: Option<Callback<usize>>,
    /// Hidden (while its table shows) but kept, so its instance survives.
    #[prop(into)]
    hidden: Signal<bool>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    #[cfg(feature = "hydrate")]
    binding::drive(node, option, dark, on_click);
    #[cfg(not(feature = "hydrate"))]
    let _ = (option, dark, on_click);
    view! {
        <div
            class="chart"
            class:clickable=on_click.is_some()
            node_ref=node
            role="img"
            aria-label=label
            hidden=hidden
        ></div>
    }
}

#[cfg(feature = "hydrate")]
mod binding {
    use leptos::html::Div;
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        type EchartsInstance;
        #[wasm_bindgen(js_namespace = echarts, js_name = init)]
        fn init(element: &web_sys::HtmlElement, theme: &JsValue) -> EchartsInstance;
        #[wasm_bindgen(method, js_name = setOption)]
        fn set_option(this: &EchartsInstance, option: &JsValue);
        #[wasm_bindgen(method)]
        fn resize(this: &EchartsInstance);
        #[wasm_bindgen(method)]
        fn dispose(this: &EchartsInstance);
        #[wasm_bindgen(method)]
        fn on(this: &EchartsInstance, event: &str, handler: &js_sys::Function);
    }

    /// Whether the global `echarts` is there; until it is, a listener on its script's
    /// `load` flips the signal (one listener for every chart of the page).
    fn echarts_loaded() -> ArcRwSignal<bool> {
        thread_local! {
            static LOADED: ArcRwSignal<bool> = ArcRwSignal::new(false);
            static LISTENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        let loaded = LOADED.with(ArcRwSignal::clone);
        if loaded.get_untracked() {
            return loaded;
        }
        if js_sys::Reflect::has(&js_sys::global(), &"echarts".into()).unwrap_or(false) {
            loaded.set(true);
        } else if !LISTENING.replace(true) {
            let script = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(super::ECHARTS_SCRIPT_ID));
            if let Some(script) = script {
                let flip = loaded.clone();
                // JavaScript runs one task at a time: the script cannot finish between the
                // check above and this listener.
                let on_load = Closure::<dyn Fn()>::new(move || flip.set(true));
                let _ = script.add_event_listener_with_callback("load", on_load.as_ref().unchecked_ref());
                on_load.forget();
            }
        }
        loaded
    }

    /// The live instance with the theme it was made with and its click handler.
    struct Live {
        chart: EchartsInstance,
        dark: bool,
        _click: Option<Closure<dyn Fn(JsValue)>>,
    }

    type Observer = (web_sys::ResizeObserver, Closure<dyn Fn()>);

    fn create(element: &web_sys::HtmlElement, dark: bool, on_click: Option<Callback<usize>>) -> Live {
        let theme = if dark { JsValue::from_str("dark") } else { JsValue::UNDEFINED };
        let chart = init(element, &theme);
        let click = on_click.map(|callback| {
            let handler = Closure::<dyn Fn(JsValue)>::new(move |params: JsValue| {
                let index = js_sys::Reflect::get(&params, &"dataIndex".into()).ok().and_then(|i| i.as_f64());
                if let Some(index) = index {
                    callback.run(index as usize);
                }
            });
            chart.on("click", handler.as_ref().unchecked_ref());
            handler
        });
        Live { chart, dark, _click: click }
    }

    /// Flips once the task that made the chart is over. A chart's first drawing is its own
    /// task, after that one: hydration, the live badge and the page's other effects come
    /// first, and each chart's few tens of milliseconds leave room for input and socket
    /// messages between them, instead of one long task for every chart of the page.
    fn after_this_task() -> RwSignal<bool, LocalStorage> {
        let ready = RwSignal::new_local(false);
        gloo_timers::callback::Timeout::new(0, move || {
            // The chart may be gone already.
            ready.try_set(true);
        })
        .forget();
        ready
    }

    pub fn drive(node: NodeRef<Div>, option: Signal<String>, dark: Signal<bool>, on_click: Option<Callback<usize>>) {
        let instance = StoredValue::new_local(None::<Live>);
        let observer = StoredValue::new_local(None::<Observer>);
        let loaded = echarts_loaded();
        let ready = after_this_task();
        Effect::new(move |_| {
            let (json, dark) = (option.get(), dark.get());
            if !loaded.get() || !ready.get() {
                return;
            }
            let Some(element) = node.get() else { return };
            let Ok(parsed) = js_sys::JSON::parse(&json) else { return };
            if instance.with_value(|live| live.as_ref().is_some_and(|l| l.dark != dark)) {
                if let Some(Some(old)) = instance.try_update_value(Option::take) {
                    old.chart.dispose();
                }
            }
            if instance.with_value(Option::is_none) {
                instance.set_value(Some(create(&element, dark, on_click)));
            }
            if observer.with_value(Option::is_none) {
                let on_resize = Closure::<dyn Fn()>::new(move || {
                    instance.with_value(|live| live.as_ref().map(|l| l.chart.resize()));
                });
                if let Ok(watch) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                    watch.observe(&element);
                    observer.set_value(Some((watch, on_resize)));
                }
            }
            instance.with_value(|live| live.as_ref().map(|l| l.chart.set_option(&parsed)));
        });
        on_cleanup(move || {
            if let Some(Some((watch, _))) = observer.try_update_value(Option::take) {
                watch.disconnect();
            }
            if let Some(Some(live)) = instance.try_update_value(Option::take) {
                live.chart.dispose();
            }
        });
    }
}
