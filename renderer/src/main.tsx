import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { watchLiveAnnouncements } from './ui/live-announcements';
import './styles/index.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
watchLiveAnnouncements();
createRoot(root).render(
  <StrictMode>
    <App api={window.porthole} />
  </StrictMode>,
);
