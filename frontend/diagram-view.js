// How a diagram sits in its box: fit (with a margin, centred), zoom steps, a "focus" view on
// some elements at a readable zoom, and the same view again whenever the box changes size.
// Shared by the read-only viewers and the modeler.

const MARGIN = 16;
const READABLE = 1.1; // bpmn-js draws labels at 11–12 px at zoom 1: about 12–13 px here

function boundsOf(elements) {
  const xs = elements.flatMap((e) => [e.x, e.x + (e.width || 0)]);
  const ys = elements.flatMap((e) => [e.y, e.y + (e.height || 0)]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export class DiagramView {
  /** `diagram`: a bpmn-js Viewer, NavigatedViewer or Modeler, already imported. */
  constructor(diagram, container) {
    this.canvas = diagram.get("canvas");
    this.zoomScroll = diagram.get("zoomScroll", false);
    this.container = container;
    this.mode = "fit"; // "fit" | "focus" | "free": what a resize brings back
    this.focused = [];
    let width = container.clientWidth;
    let height = container.clientHeight;
    new ResizeObserver(() => {
      if (container.clientWidth === width && container.clientHeight === height) return;
      width = container.clientWidth;
      height = container.clientHeight;
      this.canvas.resized();
      if (this.mode === "fit") this.fit();
      else if (this.mode === "focus") this.focus(this.focused);
    }).observe(container);
    // Dragging or wheel-zooming is the person's own view: keep it on resize.
    for (const type of ["pointerdown", "wheel"]) {
      container.addEventListener(type, () => { this.mode = "free"; }, { passive: true });
    }
  }

  /** The whole diagram, centred, never enlarged beyond 100 %. */
  fit() {
    this.mode = "fit";
    this.showBox(this.canvas.viewbox().inner, 1);
  }

  /**
   * `elements` centred at a readable zoom. When they do not all fit at that zoom, the first ones
   * that do, in the caller's order: a readable label beats seeing them all.
   */
  focus(elements) {
    if (!elements.length) return this.fit();
    this.mode = "focus";
    this.focused = elements;
    let shown = elements.slice(0, 1);
    for (const element of elements.slice(1)) {
      if (this.scaleFor(boundsOf([...shown, element])) < 1) break;
      shown = [...shown, element];
    }
    this.showBox(boundsOf(shown), READABLE, true);
  }

  zoom(step) {
    this.mode = "free";
    if (this.zoomScroll) this.zoomScroll.stepZoom(step);
    else this.canvas.zoom(this.canvas.zoom() * (step > 0 ? 1.25 : 0.8));
  }

  pan(dx, dy) {
    this.mode = "free";
    this.canvas.scroll({ dx, dy });
  }

  /** The zoom that shows `box` with a margin. */
  scaleFor(box) {
    const { outer } = this.canvas.viewbox();
    return Math.min((outer.width - 2 * MARGIN) / box.width, (outer.height - 2 * MARGIN) / box.height);
  }

  /** Show `box` centred, zoomed to fit but at most `maxScale`; with `aim`, at `maxScale` if it fits. */
  showBox(box, maxScale, aim = false) {
    const { outer } = this.canvas.viewbox();
    if (!outer.width || !outer.height || !box.width) return;
    const scale = aim ? Math.min(maxScale, Math.max(this.scaleFor(box), this.fitScale())) : Math.min(maxScale, this.scaleFor(box));
    const width = outer.width / scale;
    const height = outer.height / scale;
    this.canvas.viewbox({ x: box.x + box.width / 2 - width / 2, y: box.y + box.height / 2 - height / 2, width, height });
  }

  /** The zoom at which the whole diagram fits. */
  fitScale() {
    return Math.min(1, this.scaleFor(this.canvas.viewbox().inner));
  }
}
