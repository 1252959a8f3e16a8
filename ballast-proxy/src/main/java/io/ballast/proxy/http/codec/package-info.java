/**
 * The HTTP/1.1 wire seam: {@link io.ballast.proxy.http.codec.Http1Decoder} turns bytes into heads
 * ({@link io.ballast.proxy.http.codec.RequestHead}, {@link
 * io.ballast.proxy.http.codec.ResponseHead}) and untouched body slices; {@link
 * io.ballast.proxy.http.codec.HeadEncoder} writes forwarded heads. Everything above this package
 * (routing, balancing, retries) sees only heads and body chunks.
 */
package io.ballast.proxy.http.codec;
