// bpmnlint rule "samverkan/concurrent-join": an activity or event with several incoming flows
// that can carry tokens *at the same time*: two branches of one parallel, inclusive or implicit
// split, or of an activity and its non-interrupting boundary event (a reminder branch led back
// into the flow). It then runs once per token, which is never what the drawing means.
//
// It replaces bpmnlint's fake-join in our config. fake-join flags every activity with several
// incoming flows; our convention is that exclusive alternatives (two start events, decision
// outcomes, loop-backs) meet at the activity itself, with no merging gateway: every exclusive
// gateway is a decision with conditions (tests/test_model_static.py). There only one token can
// arrive, and SpiffWorkflow runs it as an exclusive merge.
const { is, isAny } = require("bpmnlint-utils");

const CONCURRENT_GATEWAYS = ["bpmn:ParallelGateway", "bpmn:InclusiveGateway", "bpmn:ComplexGateway"];

function concurrentBranches(node, outgoing, boundaryOf) {
  const out = outgoing(node);
  const branches = [];
  const splits = isAny(node, CONCURRENT_GATEWAYS) || !is(node, "bpmn:Gateway");
  if (splits && out.length > 1) branches.push(...out.map((flow) => ({ flow, start: flow.targetRef })));
  const nonInterrupting = (boundaryOf.get(node) || []).filter((event) => event.cancelActivity === false);
  if (nonInterrupting.length) {
    if (branches.length === 0) branches.push({ host: node });
    branches.push(...nonInterrupting.map((event) => ({ start: event })));
  }
  return branches.length > 1 ? branches : [];
}

module.exports = function concurrentJoin() {
  function check(container, reporter) {
    if (!isAny(container, ["bpmn:Process", "bpmn:SubProcess"])) return;
    const elements = container.flowElements || [];
    const nodes = elements.filter((e) => is(e, "bpmn:FlowNode"));
    // The graph from the flows' sourceRef/targetRef, as bpmn-js draws it (a node's own
    // incoming/outgoing lists can be stale in a hand-edited file).
    const flows = elements.filter((e) => is(e, "bpmn:SequenceFlow") && e.sourceRef && e.targetRef);
    const by = (end) => {
      const map = new Map();
      for (const f of flows) map.set(f[end], [...(map.get(f[end]) || []), f]);
      return (n) => map.get(n) || [];
    };
    const outgoing = by("sourceRef");
    const incomingOf = by("targetRef");
    const boundaryOf = new Map();
    for (const event of nodes.filter((n) => is(n, "bpmn:BoundaryEvent") && n.attachedToRef)) {
      boundaryOf.set(event.attachedToRef, [...(boundaryOf.get(event.attachedToRef) || []), event]);
    }
    const next = (n) => [...outgoing(n).map((f) => f.targetRef), ...(boundaryOf.get(n) || [])];
    const reached = new Map();
    function reach(start) {
      if (!reached.has(start)) {
        const seen = new Set([start]);
        const stack = [start];
        while (stack.length) {
          for (const n of next(stack.pop())) {
            if (n && !seen.has(n)) {
              seen.add(n);
              stack.push(n);
            }
          }
        }
        reached.set(start, seen);
      }
      return reached.get(start);
    }
    // The flows a branch can send a token along.
    function flowsOf(branch) {
      if (branch.host) {
        const seen = new Set();
        for (const start of outgoing(branch.host).map((f) => f.targetRef)) for (const n of reach(start)) seen.add(n);
        return (flow) => flow.sourceRef === branch.host || seen.has(flow.sourceRef);
      }
      const nodesReached = reach(branch.start);
      return (flow) => flow === branch.flow || nodesReached.has(flow.sourceRef);
    }
    const forks = nodes.map((n) => concurrentBranches(n, outgoing, boundaryOf)).filter((b) => b.length);
    for (const node of nodes) {
      const incoming = incomingOf(node);
      if (incoming.length < 2 || !isAny(node, ["bpmn:Activity", "bpmn:Event"])) continue;
      const together = forks.some((branches) => {
        // Where two branches first meet: a flow only one branch reaches and a flow only the other
        // does (downstream of that meeting both reach everything; reported once, here).
        const hits = branches.map((branch) => incoming.filter(flowsOf(branch)));
        const only = (a, b) => a.some((flow) => !b.includes(flow));
        return hits.some((a, i) => hits.some((b, j) => i !== j && only(a, b) && only(b, a)));
      });
      if (together) reporter.report(node.id, "Incoming flows can arrive together and do not join");
    }
  }
  return { check };
};
