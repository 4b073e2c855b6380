import type { CreateProduct } from '../../../app/products/create-product.use-case.ts';
import type { GetProduct } from '../../../app/products/get-product.use-case.ts';
import type { ListProducts } from '../../../app/products/list-products.use-case.ts';
import type { UpdateProduct } from '../../../app/products/update-product.use-case.ts';
import type { RpcContextExt } from '../call-context.ts';
import type { ProductServiceImplementation } from '../generated/ordersvc/v1/product.ts';
import { toProduct } from '../messages.ts';
import { RequestChecks } from '../request-checks.ts';

export interface ProductUseCases {
  readonly createProduct: CreateProduct;
  readonly getProduct: GetProduct;
  readonly listProducts: ListProducts;
  readonly updateProduct: UpdateProduct;
}

// As the REST contract: names 200, descriptions 5000, SKUs 64, stock up to 10^9.
const NAME_MAX = 200;
const DESCRIPTION_MAX = 5000;
const SKU_MAX = 64;
const STOCK_MAX = 1_000_000_000;

export function productService(useCases: ProductUseCases): ProductServiceImplementation<RpcContextExt> {
  return {
    async getProduct(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      checks.done();
      // gRPC has no cache headers: how the read was served is not told.
      return { product: toProduct((await useCases.getProduct.execute(ctx, id)).value) };
    },

    async listProducts(request, { ctx }) {
      const checks = new RequestChecks();
      const limit = checks.pageSize('page_size', request.pageSize);
      const cursor = checks.pageToken('page_token', request.pageToken);
      const namePrefix = checks.text('name_prefix', request.namePrefix, NAME_MAX, { required: false });
      checks.done();
      const page = await useCases.listProducts.execute(ctx, { limit, cursor, namePrefix: namePrefix || undefined });
      return { products: page.items.map(toProduct), nextPageToken: page.nextCursor ?? '' };
    },

    async createProduct(request, { ctx }) {
      const checks = new RequestChecks();
      const sku = checks.text('sku', request.sku, SKU_MAX);
      const name = checks.text('name', request.name, NAME_MAX);
      const description = checks.text('description', request.description, DESCRIPTION_MAX, { required: false });
      const price = checks.money('price', request.price);
      const stock = checks.nonNegative('stock', request.stock, STOCK_MAX);
      checks.done();
      const product = await useCases.createProduct.execute(ctx, { sku, name, description, price, stock });
      return { product: toProduct(product) };
    },

    async updateProduct(request, { ctx }) {
      const checks = new RequestChecks();
      const id = checks.id('id', request.id);
      const expected = checks.etag('etag', request.etag);
      if (request.sku !== undefined) checks.text('sku', request.sku, SKU_MAX);
      if (request.name !== undefined) checks.text('name', request.name, NAME_MAX);
      if (request.description !== undefined) checks.text('description', request.description, DESCRIPTION_MAX, { required: false });
      const price = request.price ? checks.money('price', request.price) : undefined;
      if (request.stock !== undefined) checks.nonNegative('stock', request.stock, STOCK_MAX);
      checks.done();
      const product = await useCases.updateProduct.execute(ctx, {
        id,
        expected,
        changes: { sku: request.sku, name: request.name, description: request.description, price, stock: request.stock },
      });
      return { product: toProduct(product) };
    },
  };
}
