import { Router } from 'express';
import type { ListProductSales } from '../../../app/events/list-product-sales.use-case.ts';
import type { ProductSales } from '../../../domain/events/product-sales.ts';
import type { components } from '../api-schema.d.ts';

export interface ProductSalesUseCases {
  readonly listProductSales: ListProductSales;
}

type ProductSalesDto = components['schemas']['ProductSales'];

function toDto(sales: ProductSales): ProductSalesDto {
  return {
    product_id: sales.productId,
    units_sold: sales.unitsSold,
    revenue: { amount: sales.revenueMinor, currency: sales.currency },
    orders: sales.ordersCount,
    updated_at: sales.updatedAt.toISOString(),
  };
}

export function productSalesRouter(useCases: ProductSalesUseCases): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const items = await useCases.listProductSales.execute(req.ctx, { limit: Number(req.query.limit ?? 50) });
    res.set('Cache-Control', 'no-store').json({ items: items.map(toDto) });
  });

  return router;
}
