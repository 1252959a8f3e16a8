/** Small helpers shared by every module: build annotations, string distance for hints. */
package io.ballast.core.util;
