/** Null-checked by NullAway at compile time: types are non-null unless marked {@code @Nullable}. */
@NullMarked
package io.llmgateway.json;

import org.jspecify.annotations.NullMarked;
