//! One ECharts chart: the instance is created once for its element and updated in place
//! (`setOption` merges and animates) whenever its option changes; it follows its
//! container's size. ECharts is the vendored `/vendor/echarts.min.js` (global `echarts`).

use leptos::html::Div;
use leptos::prelude::*;

#[component]
pub fn EChart(
    /// The ECharts option as JSON; empty until there is data.
    #[prop(into)]
    option: Signal<String>,
    /// What the chart shows, for assistive technology.
    label: &'static str,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    #[cfg(feature = "hydrate")]
    binding::drive(node, option);
    #[cfg(not(feature = "hydrate"))]
    let _ = option;
    view! { <div class="chart" node_ref=node role="img" aria-label=label></div> }
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
        fn init(element: &web_sys::HtmlElement) -> EchartsInstance;
        #[wasm_bindgen(method, js_name = setOption)]
        fn set_option(this: &EchartsInstance, option: &JsValue);
        #[wasm_bindgen(method)]
        fn resize(this: &EchartsInstance);
        #[wasm_bindgen(method)]
        fn dispose(this: &EchartsInstance);
    }

    type Observer = (web_sys::ResizeObserver, Closure<dyn Fn()>);

    pub fn drive(node: NodeRef<Div>, option: Signal<String>) {
        let instance = StoredValue::new_local(None::<EchartsInstance>);
        let observer = StoredValue::new_local(None::<Observer>);
        Effect::new(move |_| {
            let json = option.get();
            let Some(element) = node.get() else { return };
            let Ok(parsed) = js_sys::JSON::parse(&json) else { return };
            if instance.with_value(Option::is_none) {
                instance.set_value(Some(init(&element)));
                let on_resize = Closure::<dyn Fn()>::new(move || {
                    instance.with_value(|chart| chart.as_ref().map(EchartsInstance::resize));
                });
                if let Ok(watch) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                    watch.observe(&element);
                    observer.set_value(Some((watch, on_resize)));
                }
            }
            instance.with_value(|chart| chart.as_ref().map(|c| c.set_option(&parsed)));
        });
        on_cleanup(move || {
            if let Some(Some((watch, _))) = observer.try_update_value(Option::take) {
                watch.disconnect();
            }
            if let Some(Some(chart)) = instance.try_update_value(Option::take) {
                chart.dispose();
            }
        });
    }
}
