// nm_loihi_inq - the Loihi core's input-axon event queue (docs/loihi-core.md section 6):
// a FIFO of Depth input-axon indices. A push while the queue already holds Depth
// events is dropped (drop_o), even when a pop happens in the same cycle.
module nm_loihi_inq #(
  parameter Depth = 16,           // power of two, 2 .. 32768
  parameter Width = 4             // bits per entry
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             push_i,
  input  wire [Width-1:0] data_i,
  input  wire             pop_i,     // only while count_o != 0
  output wire [Width-1:0] head_o,    // the oldest entry
  output wire [15:0]      count_o,   // entries held, 0 .. Depth
  output wire             full_o,
  output wire             accept_o,  // push_i and accepted this cycle
  output wire             drop_o     // push_i and dropped this cycle
);
  localparam PW = (Depth > 1) ? $clog2(Depth) : 1;

  /* verilator coverage_off */
  reg [Width-1:0] mem_q [0:Depth-1];
  /* verilator coverage_on */
  reg [PW-1:0]    head_q, tail_q;
  reg [PW:0]      count_q;

  wire full = (count_q == Depth[PW:0]);
  wire push = push_i && !full;
  wire pop  = pop_i && (count_q != {(PW+1){1'b0}});

  always @(posedge clk_i) begin
    if (push) mem_q[tail_q] <= data_i;
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q  <= {PW{1'b0}};
      tail_q  <= {PW{1'b0}};
      count_q <= {(PW+1){1'b0}};
    end else begin
      if (push) tail_q <= tail_q + 1'b1;
      if (pop)  head_q <= head_q + 1'b1;
      count_q <= count_q + {{PW{1'b0}}, push} - {{PW{1'b0}}, pop};
    end
  end

`ifdef NM_ASSERT
  // Simulation-only checks (docs/verification.md): never synthesized. The queue never
  // overflows silently: a push while it holds Depth events must be dropped (and counted
  // by the core), never written over the oldest event; and nothing is popped from an
  // empty queue.
  always @(posedge clk_i or negedge rst_ni) begin
    if (rst_ni) begin
      if (push && count_q >= Depth[PW:0]) begin
        $display("nm_assert: %m: input queue overflow: event for axon %0d accepted while %0d of %0d entries are held",
                 data_i, count_q, Depth);
        $stop;
      end
      if (pop_i && count_q == {(PW+1){1'b0}}) begin
        $display("nm_assert: %m: input queue underflow: pop while empty");
        $stop;
      end
    end
  end
`endif

  assign head_o   = mem_q[head_q];
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] count32 = {{(31-PW){1'b0}}, count_q};
  /* verilator lint_on UNUSEDSIGNAL */
  assign count_o  = count32[15:0];
  assign full_o   = full;
  assign accept_o = push;
  assign drop_o   = push_i && full;
endmodule
