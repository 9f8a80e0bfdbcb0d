/** Null-checked by NullAway at compile time: types are non-null unless marked {@code @Nullable}. */
@NullMarked
package io.llmgateway.tls;

import org.jspecify.annotations.NullMarked;
