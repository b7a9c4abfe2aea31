// Read-only diagrams (overview, case position): bpmn-js NavigatedViewer plus its CSS.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";

window.SamverkanViewer = NavigatedViewer;
