/**
 * The {@code maglev} algorithm: Maglev lookup-table consistent hashing with weights and optional
 * bounded loads.
 */
package io.ballast.core.balance.maglev;
