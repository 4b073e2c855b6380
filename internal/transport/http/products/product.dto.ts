import type { Product } from '../../../domain/product/product.ts';
import type { Money } from '../../../domain/product/money.ts';
import type { components } from '../api-schema.d.ts';

export type ProductDto = components['schemas']['Product'];
export type MoneyDto = components['schemas']['Money'];
export type CreateProductRequest = components['schemas']['CreateProductRequest'];
export type UpdateProductRequest = components['schemas']['UpdateProductRequest'];
export type ProductPageDto = components['schemas']['ProductPage'];

export function toMoney(dto: MoneyDto): Money {
  return { amountMinor: dto.amount, currency: dto.currency };
}

/** Copies only the fields the contract exposes. */
export function toProductDto(product: Product): ProductDto {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: { amount: product.price.amountMinor, currency: product.price.currency },
    stock: product.stock,
    created_at: product.createdAt.toISOString(),
    updated_at: product.updatedAt.toISOString(),
  };
}
