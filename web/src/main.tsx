import { render } from 'preact';
import { App } from './app.js';
import { initTheme } from './theme.js';
import './styles/base.css';
import './styles/layout.css';
import './styles/widgets.css';

initTheme();
render(<App />, document.getElementById('app')!);
