//! One ECharts chart: the instance is created once for its element and updated in place
//! (`setOption` merges and animates) whenever its option changes, in a task after the next
//! paint, so that the numbers that changed with it reach the screen first; it follows its
//! container's size and the theme (a theme change re-creates the instance, as ECharts
//! themes are fixed at creation), and reports clicks on its elements by data index.
//! ECharts is the vendored `/vendor/echarts.js` module (global `echarts`), which the page
//! loads `async` so that it holds up neither the first paint nor hydration: a chart
//! draws once that script has run, and once it is on screen (or nearly), so that a first
//! visit neither draws nor downloads for the charts below the fold. The parts of ECharts
//! that only those charts use (pie, heatmap) come in a second file, fetched when the first
//! chart that needs them is drawn (`scripts/vendor/echarts-entry.mjs`). The tooltip is in
//! that file too: a chart draws without it, the pointer's first coming over a chart asks
//! for the file, and the charts made before it arrived are made again with their tooltips.

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
    // The tooltip comes with ECharts' second part: asked for when a tooltip may be wanted.
    let want_tooltip = move |_| {
        #[cfg(feature = "hydrate")]
        binding::ask_for_more();
    };
    view! {
        <div
            class="chart"
            class:clickable=on_click.is_some()
            node_ref=node
            role="img"
            aria-label=label
            hidden=hidden
            on:pointerenter=want_tooltip
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

    #[wasm_bindgen]
    extern "C" {
        /// Whether the option uses the part of ECharts that `load_more` brings.
        #[wasm_bindgen(js_namespace = echarts, js_name = usesMore)]
        fn uses_more(option: &JsValue) -> bool;
        /// Loads that part (once); the promise settles when it is usable.
        #[wasm_bindgen(js_namespace = echarts, js_name = loadMore)]
        fn load_more() -> js_sys::Promise;
    }

    thread_local! {
        /// Whether ECharts' second part is loaded, and whether a load is under way.
        static MORE_LOADED: ArcRwSignal<bool> = ArcRwSignal::new(false);
        static MORE_ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Flips once ECharts' second part is loaded, without asking for it.
    fn more_signal() -> ArcRwSignal<bool> {
        MORE_LOADED.with(ArcRwSignal::clone)
    }

    /// Asks for ECharts' second part (the pointer came over a chart: its tooltip is there).
    /// Not before ECharts itself has run, as its global is what loads the part: then the
    /// pointer's next coming over a chart asks.
    pub fn ask_for_more() {
        if echarts_loaded().get_untracked() {
            let _ = more_loaded();
        }
    }

    /// Flips once ECharts' second part is loaded, asking for it on the first call: one
    /// request for every chart that needs it. A failed load leaves it unflipped and the
    /// next call asks again.
    fn more_loaded() -> ArcRwSignal<bool> {
        let loaded = more_signal();
        if !loaded.get_untracked() && !MORE_ASKED.replace(true) {
            let flip = loaded.clone();
            leptos::task::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(load_more()).await;
                MORE_ASKED.set(false);
                match done {
                    Ok(_) => flip.set(true),
                    Err(error) => leptos::logging::warn!("ECharts' second part did not load: {error:?}"),
                }
            });
        }
        loaded
    }

    /// Flips once the element has come within a screen's reach of the viewport, and stays
    /// so: a chart below the fold is drawn when the page scrolls towards it.
    fn on_screen(node: NodeRef<Div>) -> RwSignal<bool, LocalStorage> {
        type Watch = (web_sys::IntersectionObserver, Closure<dyn Fn(js_sys::Array)>);
        let seen = RwSignal::new_local(false);
        let watch = StoredValue::new_local(None::<Watch>);
        let stop_watching = move || {
            if let Some(Some((observer, _))) = watch.try_update_value(Option::take) {
                observer.disconnect();
            }
        };
        Effect::new(move |_| {
            let Some(element) = node.get() else { return };
            if seen.get_untracked() || watch.with_value(Option::is_some) {
                return;
            }
            let on_change = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
                let crossing = entries
                    .iter()
                    .any(|entry| entry.unchecked_into::<web_sys::IntersectionObserverEntry>().is_intersecting());
                if crossing {
                    seen.try_set(true);
                    stop_watching();
                }
            });
            let options = web_sys::IntersectionObserverInit::new();
            // A little below the fold too: the chart is ready by the time it scrolls in.
            options.set_root_margin("0px 0px 120px 0px");
            match web_sys::IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &options) {
                Ok(observer) => {
                    observer.observe(&element);
                    watch.set_value(Some((observer, on_change)));
                }
                // Without the observer (an old browser), every chart draws at once.
                Err(_) => seen.set(true),
            }
        });
        on_cleanup(stop_watching);
        seen
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

    /// The live instance with the theme it was made with, whether ECharts' second part was
    /// there when it was made, and its click handler.
    struct Live {
        chart: EchartsInstance,
        dark: bool,
        with_more: bool,
        _click: Option<Closure<dyn Fn(JsValue)>>,
    }

    type Observer = (web_sys::ResizeObserver, Closure<dyn Fn()>);

    fn create(element: &web_sys::HtmlElement, dark: bool, with_more: bool, on_click: Option<Callback<usize>>) -> Live {
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
        Live { chart, dark, with_more, _click: click }
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

    /// Runs `draw` in a task of its own after the next frame is painted: what changed on
    /// the page with it (the totals, the tables) reaches the screen first, and the charts'
    /// drawing and update animations follow a frame later instead of holding it back.
    fn after_next_paint(draw: impl FnOnce() + 'static) {
        let Some(window) = web_sys::window() else { return };
        // A frame's callbacks run before it is painted; a task queued from one runs after.
        let queue = Closure::once_into_js(move || gloo_timers::callback::Timeout::new(0, draw).forget());
        let _ = window.request_animation_frame(queue.unchecked_ref());
    }

    pub fn drive(node: NodeRef<Div>, option: Signal<String>, dark: Signal<bool>, on_click: Option<Callback<usize>>) {
        let instance = StoredValue::new_local(None::<Live>);
        // The newest option of an update that waits for the next paint (see after_next_paint).
        let waiting = StoredValue::new_local(None::<JsValue>);
        let observer = StoredValue::new_local(None::<Observer>);
        let loaded = echarts_loaded();
        let ready = after_this_task();
        let seen = on_screen(node);
        let more = more_signal();
        Effect::new(move |_| {
            let (json, dark) = (option.get(), dark.get());
            let with_more = more.get();
            if !loaded.get() || !ready.get() || !seen.get() {
                return;
            }
            let Some(element) = node.get() else { return };
            let Ok(parsed) = js_sys::JSON::parse(&json) else { return };
            // Made only once the parts it uses are registered: an instance takes ECharts'
            // processors as they are when it is made, so one made before the second part
            // arrived is made again (with its tooltip). That is one task: no frame shows
            // the chart gone, as `setOption` draws at once.
            if uses_more(&parsed) && !more_loaded().get() {
                return;
            }
            let stale = |live: &Live| live.dark != dark || (with_more && !live.with_more);
            if instance.with_value(|live| live.as_ref().is_some_and(stale)) {
                if let Some(Some(old)) = instance.try_update_value(Option::take) {
                    old.chart.dispose();
                }
            }
            let made = instance.with_value(Option::is_none);
            if made {
                instance.set_value(Some(create(&element, dark, with_more, on_click)));
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
            let draw = move |option: &JsValue| {
                instance.with_value(|live| live.as_ref().map(|l| l.chart.set_option(option)));
            };
            if made {
                // A new instance draws at once: its first drawing is already a task of its
                // own, and a remade one must not leave a frame without the chart.
                waiting.set_value(None);
                draw(&parsed);
            } else {
                // Updates before the paint fold into one drawing of the newest option.
                let queued = waiting.with_value(Option::is_some);
                waiting.set_value(Some(parsed));
                if !queued {
                    after_next_paint(move || {
                        if let Some(Some(option)) = waiting.try_update_value(Option::take) {
                            draw(&option);
                        }
                    });
                }
            }
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
