/**
 * Access logs per listener: lines formatted on the event loop (JSON, common or combined), handed to
 * a bounded lock-free queue that drops and counts rather than blocks, and written by one thread per
 * target (stdout or a file reopened on SIGUSR1).
 */
package io.ballast.admin.accesslog;
