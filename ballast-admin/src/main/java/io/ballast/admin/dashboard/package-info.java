/**
 * The live web dashboard at {@code /dashboard/}: {@link io.ballast.admin.dashboard.Dashboard}
 * samples the metrics once a second, keeps 15 minutes of history and pushes server-sent events;
 * {@link io.ballast.admin.dashboard.DashboardFiles} serves the page and Chart.js from the jar.
 */
package io.ballast.admin.dashboard;
