import { DomainError } from '../shared/domain-error.ts';

/** No product has this id. */
export class ProductNotFoundError extends DomainError {
  readonly code = 'PRODUCT_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(id: string) {
    super(`product ${id} does not exist`);
  }
}

/** Another product already has this SKU, compared regardless of letter case. */
export class SkuTakenError extends DomainError {
  readonly code = 'SKU_TAKEN';
  readonly kind = 'conflict';

  constructor(sku: string, options?: ErrorOptions) {
    super(`the SKU ${sku} is already used by another product`, options);
  }
}
