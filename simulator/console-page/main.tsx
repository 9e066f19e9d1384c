// The technician console's page: it connects to its server and renders the panel.
import { render } from 'preact';
import { Panel } from './panel.js';
import { connect } from './connection.js';

const connection = connect(location, sessionStorage, history);
const root = document.getElementById('app');
if (root) {
  // The loading line is static HTML, not Preact's: it goes before the panel renders.
  root.replaceChildren();
  render(<Panel connection={connection} />, root);
}
