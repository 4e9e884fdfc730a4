package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// One-degree cells: 64,800 of them. Most land cells lie wholly inside one
// country and answer without a point-in-polygon test; the rest list the few
// shapes whose bounding box reaches them.
const (
	gridCols = 360
	gridRows = 180
)

type grid struct {
	start  []int32 // cell i's shapes are shapes[start[i]:start[i+1]]
	shapes []int32
	whole  []int16 // country index + 1 of a cell no border crosses; 0 if none
}

func cellIndex(col, row int) int { return row*gridCols + col }

// cellOf clamps, so the ±90/±180 edges fall into the outermost cells.
func cellOf(lat, lon float64) (col, row int) {
	col = min(max(int(math.Floor(lon+180)), 0), gridCols-1)
	row = min(max(int(math.Floor(lat+90)), 0), gridRows-1)
	return col, row
}

func cellsOfBound(b orb.Bound) (minCol, minRow, maxCol, maxRow int) {
	minCol, minRow = cellOf(b.Min[1], b.Min[0])
	maxCol, maxRow = cellOf(b.Max[1], b.Max[0])
	return
}

func newGrid(shapes []shape) grid {
	g := grid{start: make([]int32, gridCols*gridRows+1)}
	forEachCell := func(b orb.Bound, f func(cell int)) {
		c0, r0, c1, r1 := cellsOfBound(b)
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				f(cellIndex(c, r))
			}
		}
	}
	for _, s := range shapes {
		forEachCell(s.bound, func(cell int) { g.start[cell+1]++ })
	}
	for i := 1; i < len(g.start); i++ {
		g.start[i] += g.start[i-1]
	}
	g.shapes = make([]int32, g.start[len(g.start)-1])
	next := append([]int32(nil), g.start[:len(g.start)-1]...)
	for si, s := range shapes {
		forEachCell(s.bound, func(cell int) { g.shapes[next[cell]] = int32(si); next[cell]++ })
	}
	g.whole = wholeCells(g, shapes, forEachCell)
	return g
}

// wholeCells finds the cells that no border edge touches: every point of
// such a cell is inside the same shapes as its centre. Edges are marked by
// their bounding boxes, which errs on the side of testing more often.
func wholeCells(g grid, shapes []shape, forEachCell func(orb.Bound, func(int))) []int16 {
	crossed := make([]bool, gridCols*gridRows)
	for _, s := range shapes {
		for _, ring := range s.polygon {
			for i := 1; i < len(ring); i++ {
				edge := orb.Bound{Min: ring[i-1], Max: ring[i-1]}.Extend(ring[i])
				forEachCell(edge, func(cell int) { crossed[cell] = true })
			}
		}
	}
	whole := make([]int16, gridCols*gridRows)
	for cell := range whole {
		if crossed[cell] {
			continue
		}
		col, row := cell%gridCols, cell/gridCols
		centre := orb.Point{float64(col) - 180 + 0.5, float64(row) - 90 + 0.5}
		for _, si := range g.shapes[g.start[cell]:g.start[cell+1]] {
			if polygonContains(shapes[si].polygon, centre) {
				whole[cell] = shapes[si].country + 1
				break
			}
		}
	}
	return whole
}

func (g *grid) wholeCellCountry(lat, lon float64) (int16, bool) {
	c := g.whole[cellIndex(cellOf(lat, lon))]
	return c - 1, c > 0
}

func (g *grid) cellShapes(lat, lon float64) []int32 {
	cell := cellIndex(cellOf(lat, lon))
	return g.shapes[g.start[cell]:g.start[cell+1]]
}

// shapesNear lists, once each, the shapes listed in any cell within the
// given reach of the point.
func (g *grid) shapesNear(lat, lon, reachLat, reachLon float64) []int32 {
	c0, r0 := cellOf(lat-reachLat, lon-reachLon)
	c1, r1 := cellOf(lat+reachLat, lon+reachLon)
	var near []int32
	seen := map[int32]bool{}
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			cell := cellIndex(c, r)
			for _, si := range g.shapes[g.start[cell]:g.start[cell+1]] {
				if !seen[si] {
					seen[si] = true
					near = append(near, si)
				}
			}
		}
	}
	return near
}
