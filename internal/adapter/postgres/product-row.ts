import type { Product } from '../../domain/product/product.ts';
import { toSafeInteger } from './pg-int8.ts';
import type { ProductRow } from './products.table.ts';

/** A `products` row as the domain sees it (for adapters other than the product repository that read or change products). */
export function productFromRow(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: { amountMinor: toSafeInteger(row.price_amount, 'products.price_amount'), currency: row.currency },
    stock: row.stock,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
