// nm_fifo - synchronous FIFO with valid/ready on both sides.
// Depth must be a power of two. Push and pop may happen in the same cycle.
// Contract: push_i only while !full_o, pop_i only while !empty_o (the callers gate
// them with the valid/ready handshake). An illegal push or pop is ignored; a build
// with NM_ASSERT defined stops the simulation on it (overflow / underflow).
module nm_fifo #(
  parameter Width = 30,
  parameter Depth = 4
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             push_i,   // write; only when !full_o
  input  wire [Width-1:0] data_i,
  input  wire             pop_i,    // drop the head; only when !empty_o
  output wire [Width-1:0] data_o,   // head, valid when !empty_o
  output wire             empty_o,
  output wire             full_o
);
  localparam PtrW = (Depth > 1) ? $clog2(Depth) : 1;

  reg [Width-1:0] mem_q [0:Depth-1];
  reg [PtrW-1:0]  rd_q, wr_q;
  reg [PtrW:0]    cnt_q;

  wire do_push = push_i && !full_o;
  wire do_pop  = pop_i && !empty_o;

  assign empty_o = (cnt_q == 0);
  assign full_o  = (cnt_q == Depth[PtrW:0]);
  assign data_o  = mem_q[rd_q];

  // One always block for the memory and the pointers: a cycle-based simulator makes one
  // trigger per distinct event list, so a separate `always @(posedge clk_i)` for the
  // memory would add a trigger for every gated router clock (docs/performance.md, fourth
  // step). The memory is not reset (a push while in reset is not stored; the FIFO is
  // empty after reset either way, and data_o is valid only when !empty_o).
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_q  <= {PtrW{1'b0}};
      wr_q  <= {PtrW{1'b0}};
      cnt_q <= {(PtrW+1){1'b0}};
    end else begin
      if (do_push) mem_q[wr_q] <= data_i;
      if (do_push) wr_q <= wr_q + 1'b1;
      if (do_pop)  rd_q <= rd_q + 1'b1;
      if (do_push && !do_pop) cnt_q <= cnt_q + 1'b1;
      else if (do_pop && !do_push) cnt_q <= cnt_q - 1'b1;
    end
  end

`ifdef NM_ASSERT
  // Simulation-only checks (docs/verification.md): never synthesized.
  always @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni) begin
      if (push_i && full_o) begin
        $display("nm_assert: %m: FIFO overflow: push while full (depth %0d)", Depth);
        $stop;
      end
      if (pop_i && empty_o) begin
        $display("nm_assert: %m: FIFO underflow: pop while empty");
        $stop;
      end
    end
  end
`endif
endmodule
