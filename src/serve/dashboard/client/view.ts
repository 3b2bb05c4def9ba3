import type { DashboardEvent } from './types.js'

/** A page of the dashboard: built once, refreshed with fresh data when something changes. */
export interface View {
  /** The page's h1; focused after navigating to it. */
  heading: HTMLElement
  element: HTMLElement
  title: string
  refresh(): Promise<void>
  /** Whether this change concerns what the view shows. */
  wants(event: DashboardEvent): boolean
  dispose(): void
}
