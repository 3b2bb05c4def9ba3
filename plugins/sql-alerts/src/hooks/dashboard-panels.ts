import { alertsPanel } from '../dashboard/alerts-panel.js'

/** The `dashboard-panels` hook: serve's page shows the alerts, with Silence and Unsilence. */
export default async function dashboardPanels() {
  return [alertsPanel]
}
