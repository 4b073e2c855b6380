import { Router } from 'express';
import type { CreateProduct } from '../../../app/products/create-product.use-case.ts';
import type { GetProduct } from '../../../app/products/get-product.use-case.ts';
import type { ListProducts } from '../../../app/products/list-products.use-case.ts';
import type { UpdateProduct } from '../../../app/products/update-product.use-case.ts';
import { etagOf, parseIfMatch } from '../etag.ts';
import { setServedHeaders } from '../served-headers.ts';
import { toMoney, toProductDto, type CreateProductRequest, type ProductPageDto, type UpdateProductRequest } from './product.dto.ts';

export interface ProductUseCases {
  readonly createProduct: CreateProduct;
  readonly getProduct: GetProduct;
  readonly listProducts: ListProducts;
  readonly updateProduct: UpdateProduct;
}

// Requests reach these handlers only after validation against the contract.
export function productsRouter(useCases: ProductUseCases): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = req.body as CreateProductRequest;
    const product = await useCases.createProduct.execute(req.ctx, {
      sku: body.sku,
      name: body.name,
      description: body.description,
      price: toMoney(body.price),
      stock: body.stock,
    });
    res.status(201).location(`/v1/products/${product.id}`).set('ETag', etagOf(product.version)).json(toProductDto(product));
  });

  router.get('/', async (req, res) => {
    const page = await useCases.listProducts.execute(req.ctx, {
      limit: Number(req.query.limit ?? 50),
      cursor: typeof req.query.cursor === 'string' ? req.query.cursor : undefined,
      namePrefix: typeof req.query.name_prefix === 'string' ? req.query.name_prefix : undefined,
    });
    const body: ProductPageDto = { items: page.items.map(toProductDto), next_cursor: page.nextCursor };
    res.json(body);
  });

  router.get('/:id', async (req, res) => {
    const served = await useCases.getProduct.execute(req.ctx, req.params.id);
    setServedHeaders(res, served);
    res.set('ETag', etagOf(served.value.version)).json(toProductDto(served.value));
  });

  router.patch('/:id', async (req, res) => {
    const body = req.body as UpdateProductRequest;
    const product = await useCases.updateProduct.execute(req.ctx, {
      id: req.params.id,
      expected: parseIfMatch(req.header('if-match')),
      changes: {
        sku: body.sku,
        name: body.name,
        description: body.description,
        price: body.price ? toMoney(body.price) : undefined,
        stock: body.stock,
      },
    });
    res.set('ETag', etagOf(product.version)).json(toProductDto(product));
  });

  return router;
}
